import { useState } from 'react';
import type { ScreenProps } from '../../../app/screen-props';
import { useMessages } from '../../../lib/i18n';
import { useAuditSample, useRedFlags } from '../api/audit';
import { recentWindow, windowParams, type Window } from '../evidence';
import { auditMessages } from '../messages';
import { AuditSample, SampleForm } from './audit-sample';
import { CaseRecordPanel } from './case-record';
import { RedFlags } from './red-flags';
import '../audit.css';

/** How far back the window starts: a month of registrations, as insight's sample defaults to. */
const WINDOW_DAYS = 30;

/**
 * The auditor's screen, read-only: red flags over the cases registered in a window, and a seeded
 * sample of them with each lifecycle proved or its gaps; any case opens its record and the facts
 * it was built from. Nothing here writes: insight has no write route for the auditor.
 */
export function AuditScreen(_props: ScreenProps) {
  const t = useMessages(auditMessages);
  const [span, setSpan] = useState<Window>(() => recentWindow(Date.now(), WINDOW_DAYS));
  const [draw, setDraw] = useState({ size: 25, seed: 1 });
  const [openCase, setOpenCase] = useState<string | null>(null);
  const flags = useRedFlags(windowParams(span));
  const sample = useAuditSample(windowParams(span, draw));
  const wrong = windowParams(span) === null;

  return (
    <section className="audit" aria-labelledby="audit-title" aria-busy={flags.loading || sample.loading}>
      <div className="audit-head">
        <h2 id="audit-title">{t.title}</h2>
        <button
          type="button"
          onClick={() => {
            flags.reload();
            sample.reload();
          }}
        >
          {t.reload}
        </button>
      </div>
      <p className="audit-about">{t.intro}</p>
      <fieldset className="audit-controls">
        <legend>{t.window}</legend>
        <label>{t.from} <input type="date" name="from" value={span.from} onChange={(e) => setSpan((w) => ({ ...w, from: e.target.value }))} /></label>
        <label>{t.to} <input type="date" name="to" value={span.to} onChange={(e) => setSpan((w) => ({ ...w, to: e.target.value }))} /></label>
        {wrong && <span role="alert" className="audit-problem">{t.windowWrong}</span>}
      </fieldset>
      {openCase && <CaseRecordPanel id={openCase} onClose={() => setOpenCase(null)} />}
      <div data-testid="audit-ready" data-ready={flags.data !== null && sample.data !== null && !flags.loading && !sample.loading ? 'true' : 'false'}>
        <RedFlags flags={flags} onOpen={setOpenCase} />
        <section aria-labelledby="audit-sample-title" className="audit-card">
          <h3 id="audit-sample-title">{t.sample}</h3>
          <p className="audit-about">{t.sampleAbout}</p>
          <SampleForm size={draw.size} seed={draw.seed} onDraw={(size, seed) => (size === draw.size && seed === draw.seed ? sample.reload() : setDraw({ size, seed }))} />
          <AuditSample sample={sample} onOpen={setOpenCase} />
        </section>
      </div>
    </section>
  );
}
