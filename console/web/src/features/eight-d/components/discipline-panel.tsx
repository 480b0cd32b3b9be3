import { useState, type FormEvent } from 'react';
import { fill, useFormatInstant, useMessages } from '../../../lib/i18n';
import { approveDiscipline, refusalText, returnDiscipline, submitDiscipline, type ApiAnswerOf, type DisciplineState, type EightDState } from '../api/eight-ds';
import { approvalFor, submissionFor } from '../board';
import { contentLines, contentOf, draftOf, emptyDraft, type Draft } from '../drafts';
import { disciplineTitles, eightDMessages, fishboneNames } from '../messages';
import { DisciplineForm } from './discipline-form';

export interface Outcome {
  ok: boolean;
  text: string;
}

interface Props {
  eightDId: string;
  state: EightDState;
  step: DisciplineState;
  person: string;
  decides: boolean;
  /** What quality answered to the last step, shown beside the buttons (kept by the 8D as the panel moves on). */
  outcome: Outcome | null;
  /** Told what quality answered to a step (the 8D is read again after an accepted one). */
  onOutcome: (outcome: Outcome) => void;
}

/** One discipline: what was submitted, its form while it waits on its owner, and the decision once submitted. */
export function DisciplinePanel({ eightDId, state, step, person, decides, outcome, onOutcome }: Props) {
  const t = useMessages(eightDMessages);
  const titles = useMessages(disciplineTitles);
  const fishbone = useMessages(fishboneNames);
  const when = useFormatInstant();
  const d = step.discipline;
  const [draft, setDraft] = useState<Draft>(() => (step.content ? draftOf(step.content) : emptyDraft()));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const submission = submissionFor(step, state.champion, state.status, person, decides);
  const approval = approvalFor(step, person, decides);

  const run = (work: Promise<ApiAnswerOf<EightDState>>) => {
    setBusy(true);
    work
      .then((answer) => {
        if (answer.status === 200) {
          const now = answer.body.disciplines.find((x) => x.discipline === d);
          onOutcome({ ok: true, text: fill(t.done, { d, status: now ? t[`st.${now.status}`] : '' }) });
        } else onOutcome({ ok: false, text: `${t.refused}: ${refusalText(answer)}` });
      })
      .catch((e: unknown) => onOutcome({ ok: false, text: `${t.refused}: ${String(e)}` }))
      .finally(() => setBusy(false));
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    run(submitDiscipline(eightDId, contentOf(d, draft)));
  };
  const onReturn = (event: FormEvent) => {
    event.preventDefault();
    run(returnDiscipline(eightDId, d, reason));
  };
  const label = (key: string) => {
    if (key.startsWith('owner.')) return fill(t['f.owner'], { d: key.slice(6) });
    if (key.startsWith('fishbone.')) return fill(t['f.fishbone'], { c: fishbone[key.slice(9) as keyof typeof fishbone] ?? key.slice(9) });
    return t[`f.${key}` as keyof typeof t] ?? key;
  };
  const fourEyesId = `eight-d-four-eyes-${d}`;

  return (
    <section className="eight-d-panel" aria-labelledby="eight-d-panel-title" data-discipline={d}>
      <h3 id="eight-d-panel-title">{d} {titles[d]} · {t[`st.${step.status}`]}</h3>
      <p>
        {t.owner}: {step.owner} · {t.due}: {when(step.dueAt)}
        {step.submittedBy && ` · ${t.submitted}: ${step.submittedBy} ${when(step.submittedAt)}`}
        {step.approvedBy && ` · ${t.approved}: ${step.approvedBy} ${when(step.approvedAt)}`}
      </p>
      {step.returns.length > 0 && (
        <ul className="eight-d-returns" aria-label={t.returns}>
          {step.returns.map((r) => <li key={r.at}>{t.returns}: {r.by} {when(r.at)} — {r.reason}</li>)}
        </ul>
      )}
      <h4>{t.content}</h4>
      {step.content ? (
        <dl className="eight-d-content">
          {contentLines(step.content, (iso) => when(iso)).map(([key, value]) => (
            <div key={key}>
              <dt>{label(key)}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p>{t.noContent}</p>
      )}

      {submission.may ? (
        <form onSubmit={onSubmit} aria-label={fill(t.form, { d })} className="eight-d-submit">
          <h4>{fill(t.form, { d })}</h4>
          <DisciplineForm discipline={d} draft={draft} onChange={setDraft} />
          <button type="submit" disabled={busy}>{fill(t.submit, { d })}</button>
        </form>
      ) : (
        ['read-only', 'not-owner', 'closed', 'waiting'].includes(submission.why) && step.status !== 'approved' && step.status !== 'submitted' && (
          <p className="eight-d-note">{fill(t[`why.${submission.why}` as 'why.closed'], { d, who: [...new Set([step.owner, state.champion])].join(` ${t.or} `) })}</p>
        )
      )}

      {step.status === 'submitted' && decides && (
        <div className="eight-d-decision">
          {!approval.may && approval.why === 'own-submission' && (
            <p id={fourEyesId} className="eight-d-note" data-testid="eight-d-four-eyes">{fill(t['why.own-submission'], { d })}</p>
          )}
          {/* Left clickable on one's own submission: quality's refusal is shown as it answers. */}
          <button type="button" disabled={busy} onClick={() => run(approveDiscipline(eightDId, d))} aria-describedby={!approval.may ? fourEyesId : undefined}>
            {fill(t.approve, { d })}
          </button>
          <form onSubmit={onReturn} className="eight-d-return">
            <label>
              {t.returnReason}
              <textarea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} required />
            </label>
            <button type="submit" disabled={busy || !reason.trim()}>{fill(t.sendBack, { d })}</button>
          </form>
        </div>
      )}
      {step.status === 'submitted' && !decides && <p className="eight-d-note">{t['why.read-only']}</p>}
      {outcome && (
        <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'eight-d-ok' : 'eight-d-error'} data-testid="eight-d-outcome">
          {outcome.text}
        </p>
      )}
    </section>
  );
}
