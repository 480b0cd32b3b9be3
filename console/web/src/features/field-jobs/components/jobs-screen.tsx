import { useState } from 'react';
import type { ScreenProps } from '../../../app/screen-props';
import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { useJob, useMachinePlace, useMyWorkOrders } from '../api/jobs';
import { todaysJobs, type JobSummary } from '../day';
import { fieldJobsMessages } from '../messages';
import { JobDetail } from './job-detail';
import '../field-jobs.css';

/** The field engineer's day on a phone: today's jobs in order; one opened at a time, walked step by step. */
export function JobsScreen({ session }: ScreenProps) {
  const t = useMessages(fieldJobsMessages);
  const mine = useMyWorkOrders(session.sub);
  const [open, setOpen] = useState<string | null>(null);
  const answer = mine.data;
  const jobs = answer?.status === 200 ? todaysJobs(mine.items, new Date()) : [];

  if (open) {
    return (
      <JobDetail
        id={open}
        engineerId={session.sub}
        onBack={() => {
          setOpen(null);
          mine.reload();
        }}
      />
    );
  }
  return (
    <section className="field-jobs" aria-labelledby="field-jobs-title">
      <h1 id="field-jobs-title">{t.today}</h1>
      {answer && answer.status !== 200 && <p role="alert" className="field-jobs-error">{answer.status} {answer.body.error?.message}</p>}
      {!answer && mine.loading && <p>{t.loading}</p>}
      {answer?.status === 200 && jobs.length === 0 && <p data-testid="no-jobs">{t.noJobs}</p>}
      <ol className="field-jobs-list" data-testid="jobs">
        {jobs.map((job, i) => (
          <li key={job.id} data-job={job.id}>
            <JobCard job={job} order={i + 1} onOpen={() => setOpen(job.id)} />
          </li>
        ))}
      </ol>
      <button type="button" className="field-jobs-secondary" onClick={mine.reload}>{t.refresh}</button>
    </section>
  );
}

/** One job in the day's list: when, what and where, the whole card one large button. */
function JobCard({ job, order, onOpen }: { job: JobSummary; order: number; onOpen: () => void }) {
  const t = useMessages(fieldJobsMessages);
  const at = useFormatInstant();
  const view = useJob(job.id);
  const place = useMachinePlace(job.serialNumber);
  const detail = view.data?.status === 200 ? view.data.body : null;
  const machine = place.data?.status === 200 ? place.data.body : null;
  const status = t[`status:${job.status}` as keyof typeof t] ?? job.status;
  return (
    <button type="button" className="field-jobs-card" onClick={onOpen}>
      <span className="field-jobs-card-top">
        <strong>{order}. {job.plannedStart ? `${at(job.plannedStart)} – ${at(job.plannedEnd)}` : t.unplanned}</strong>
        <span className={`field-jobs-status field-jobs-status-${job.status}`}>{status}</span>
      </span>
      <span className="field-jobs-card-what">
        {job.tier} · {detail?.machine?.model ?? machine?.model ?? ''} {job.serialNumber}
      </span>
      {detail?.symptom && <span className="field-jobs-card-symptom">{detail.symptom}</span>}
      <span className="field-jobs-card-where">
        {machine?.customer?.name ?? job.customerId}
        {(machine?.site?.city ?? detail?.site?.city) ? ` · ${machine?.site?.city ?? detail?.site?.city}` : ''}
      </span>
      {((detail?.containment.length ?? 0) > 0 || (machine?.containment?.length ?? 0) > 0) && <span className="field-jobs-card-flag">{t.containmentFlag}</span>}
    </button>
  );
}
