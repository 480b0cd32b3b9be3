import { useState } from 'react';
import { fill, useFormatInstant, useMessages } from '../../../lib/i18n';
import type { Resource } from '../../../lib/api';
import type { AuditSampleAnswer } from '../api/audit';
import { sampleInputProblem, sampleTally, verdictOf } from '../evidence';
import { auditMessages } from '../messages';
import { CaseLink } from './case-record';

type Messages = (typeof auditMessages)['en'];

/** The size and seed the auditor draws with: a read, drawn again only when asked. */
export function SampleForm({ size, seed, onDraw }: { size: number; seed: number; onDraw: (size: number, seed: number) => void }) {
  const t = useMessages(auditMessages);
  const [sizeText, setSize] = useState(String(size));
  const [seedText, setSeed] = useState(String(seed));
  const problem = sampleInputProblem(sizeText, seedText);
  return (
    <form
      className="audit-controls"
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem) onDraw(Number(sizeText), Number(seedText));
      }}
    >
      <label>{t.size} <input name="size" type="number" min={1} max={500} value={sizeText} onChange={(e) => setSize(e.target.value)} aria-invalid={problem === 'size'} /></label>
      <label>{t.seed} <input name="seed" type="number" min={0} value={seedText} onChange={(e) => setSeed(e.target.value)} aria-invalid={problem === 'seed'} /></label>
      <button type="submit" disabled={problem !== null}>{t.draw}</button>
      {problem && <span role="alert" className="audit-problem">{problem === 'size' ? t.sizeWrong : t.seedWrong}</span>}
    </form>
  );
}

/** The sample: its strata, and each drawn case's lifecycle step by step, proved or its gaps, and what its registration lacks. */
export function AuditSample({ sample, onOpen }: { sample: Resource<AuditSampleAnswer>; onOpen: (id: string) => void }) {
  const t = useMessages(auditMessages);
  const when = useFormatInstant();
  const answer = sample.data?.status === 200 ? sample.data.body : null;
  const counts = answer ? sampleTally(answer.cases) : null;
  return (
    <>
      {sample.data && sample.data.status !== 200 && <p role="alert" className="audit-problem">{t.refused} {sample.data.status} {sample.data.body.error?.message}</p>}
      {answer && counts && (
        <>
          <p data-testid="sample-summary">{fill(t.drawnOf, { n: answer.cases.length, of: answer.population, seed: answer.seed, proved: counts.proved, running: counts['in-progress'], gaps: counts.gaps })}</p>
          {answer.population === 0 && <p>{t.noCasesInWindow}</p>}
          {answer.strata.length > 0 && (
            <table className="audit-table audit-strata" data-testid="sample-strata">
              <caption>{t.strata}</caption>
              <thead><tr><th scope="col">{t.stratum}</th><th scope="col">{t.population}</th><th scope="col">{t.sampled}</th></tr></thead>
              <tbody>
                {answer.strata.map((s) => (
                  <tr key={`${s.tier}-${s.channel}`}><th scope="row">{s.tier} · {s.channel}</th><td>{s.population}</td><td>{s.sampled}</td></tr>
                ))}
              </tbody>
            </table>
          )}
          <ol className="audit-sample" data-testid="sample-cases">
            {answer.cases.map((c) => {
              const verdict = verdictOf(c);
              return (
                <li key={c.requestId} data-case={c.requestId} data-verdict={verdict} className="audit-card">
                  <p className="audit-case-head">
                    <CaseLink id={c.requestId} onOpen={onOpen} /> · {c.stratum.tier} · {c.stratum.channel} ·{' '}
                    <strong className={`audit-verdict audit-${verdict}`} data-testid="verdict">{t[verdict]}</strong>
                  </p>
                  <ol className="audit-steps" aria-label={t.steps}>
                    {c.steps.map((s) => (
                      <li key={s.step} data-step={s.step} data-status={s.status} className={`audit-step audit-step-${s.status}`}>
                        {t[`step.${s.step}` as keyof Messages] ?? s.step}: {t[`status.${s.status}` as keyof Messages]}
                        {s.at && <> · <time dateTime={s.at}>{when(s.at)}</time></>}
                      </li>
                    ))}
                  </ol>
                  {c.gaps.length > 0 ? (
                    <ul className="audit-gaps" data-testid="gaps">
                      {c.gaps.map((g) => <li key={g.code} data-gap={g.code}>{g.detail}</li>)}
                    </ul>
                  ) : (
                    <p className="audit-about">{t.noGaps}</p>
                  )}
                  <p data-testid="missing-fields">{t.missingFields}: {c.missingAtRegistration.length ? c.missingAtRegistration.join(', ') : t.noneMissing}</p>
                </li>
              );
            })}
          </ol>
        </>
      )}
    </>
  );
}
