import { useState, type FormEvent } from 'react';
import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { takeStep, type JobView } from '../api/jobs';
import { fieldJobsMessages } from '../messages';
import { canDecline, stepWalk, type StepPath } from '../steps';

/** The job's steps in order: what is done and when, and one large button for the next. */
export function JobSteps({ job, onStepped }: { job: JobView; onStepped: () => void }) {
  const t = useMessages(fieldJobsMessages);
  const at = useFormatInstant();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const walk = stepWalk(job.route, job.status, job.steps);
  const next = walk.find((s) => s.state === 'next')?.path ?? null;

  const act = (path: Exclude<StepPath, 'report'> | 'decline', body: Record<string, unknown> = {}) => {
    setBusy(true);
    setError(null);
    takeStep(job.id, path, body)
      .then(({ status, body: answer }) => {
        if (status === 200) {
          setDeclining(false);
          onStepped();
        } else setError(`${status} ${answer.error?.message ?? ''}`);
      })
      .catch((e: unknown) => setError(String(e)))
      .finally(() => setBusy(false));
  };
  const onDecline = (event: FormEvent) => {
    event.preventDefault();
    act('decline', { reason });
  };

  return (
    <div className="field-jobs-block" data-testid="job-steps">
      <h2>{t.steps}</h2>
      <ol className="field-jobs-steps">
        {walk.map((s) => (
          <li key={s.path} className={`field-jobs-step-${s.state}`} data-step={s.path} data-state={s.state} aria-current={s.state === 'next' ? 'step' : undefined}>
            <span>{s.state === 'done' ? '✓' : s.state === 'next' ? '→' : '·'}</span> {t[`step:${s.path}`]}
            {s.doneAt && <time dateTime={s.doneAt}> {at(s.doneAt)}</time>}
          </li>
        ))}
      </ol>
      {next && next !== 'report' && job.status !== 'cancelled' && (
        <button type="button" className="field-jobs-primary" disabled={busy} onClick={() => act(next)} data-testid="next-step">
          {t[`do:${next}`]}
        </button>
      )}
      {next === 'report' && <p className="field-jobs-hint">{t.reportBelow}</p>}
      {error && <p role="alert" className="field-jobs-error" data-testid="step-error">{error}</p>}
      {canDecline(job.status) &&
        (declining ? (
          <form onSubmit={onDecline} className="field-jobs-decline">
            <label>
              {t.declineReason}
              <textarea name="declineReason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
            <button type="submit" className="field-jobs-secondary" disabled={busy}>{t.decline}</button>
            <button type="button" className="field-jobs-secondary" onClick={() => setDeclining(false)}>{t.keep}</button>
          </form>
        ) : (
          <button type="button" className="field-jobs-secondary" onClick={() => setDeclining(true)}>{t.decline}…</button>
        ))}
    </div>
  );
}
