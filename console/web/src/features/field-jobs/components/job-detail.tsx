import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { requestStatus, useJob, useMachinePlace, usePartNames, useRequest, useReservations, useVanStock, type JobView, type MachinePlace } from '../api/jobs';
import { minutesBetween } from '../day';
import { fieldJobsMessages } from '../messages';
import { partsToCarry, reservedAsUsed, type CarryLine } from '../parts';
import { JobSteps } from './job-steps';
import { ReportForm } from './report-form';

/** One job opened: what, where, when, containment, the parts to carry, the steps and the report. */
export function JobDetail({ id, engineerId, onBack }: { id: string; engineerId: string; onBack: () => void }) {
  const t = useMessages(fieldJobsMessages);
  const job = useJob(id);
  const view = job.data?.status === 200 ? job.data.body : null;
  const place = useMachinePlace(view?.serialNumber ?? null);
  const machine = place.data?.status === 200 ? place.data.body : null;
  const reservations = useReservations(id);
  const names = usePartNames(view?.machine?.model ?? machine?.model ?? null);
  const van = useVanStock(engineerId);
  const request = useRequest(view?.requestId ?? null, view?.status === 'completed');
  const requestView = request.data?.status === 200 ? request.data.body : null;
  const latest = requestView ? requestStatus(requestView) : null;

  // Containment's parts as dispatch matched them on the job and as intake flags them on the machine.
  const containmentParts = [...(view?.partsToCarry ?? []), ...(machine?.containment ?? []).flatMap((f) => f.carryParts)];
  const carry = partsToCarry(reservations.data?.status === 200 ? reservations.data.body.items : [], containmentParts, van.data?.status === 200 ? van.data.body.vanStock : []);
  const nameOf = new Map((names.data?.status === 200 ? names.data.body.items : []).map((p) => [p.partNumber, p.description ?? '']));

  return (
    <section className="field-jobs" aria-labelledby="field-jobs-job-title" data-testid="job">
      <button type="button" className="field-jobs-secondary" onClick={onBack}>← {t.back}</button>
      {job.data && job.data.status !== 200 && <p role="alert" className="field-jobs-error">{job.data.status} {job.data.body.error?.message}</p>}
      {!view ? (
        <p>{t.loading}</p>
      ) : (
        <>
          <h1 id="field-jobs-job-title">
            {view.id} <span className={`field-jobs-status field-jobs-status-${view.status}`} data-testid="job-status">{t[`status:${view.status}` as keyof typeof t] ?? view.status}</span>
          </h1>
          <What view={view} machine={machine} />
          <Where view={view} machine={machine} contact={requestView?.contact ?? null} />
          <Containment view={view} machine={machine} />
          <Parts lines={carry} nameOf={nameOf} />
          <JobSteps job={view} onStepped={job.reload} />
          {view.status === 'work-finished' && <ReportForm job={view} reserved={reservedAsUsed(carry)} onReported={job.reload} />}
          {view.status === 'completed' && (
            <div className="field-jobs-done" role="status" data-testid="job-done">
              <h2>{t.reportSent}</h2>
              <p>
                {t.request} {view.requestId}: <strong data-testid="request-status">{latest ? (t[`request:${latest}` as keyof typeof t] ?? latest) : '…'}</strong>
              </p>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function What({ view, machine }: { view: JobView; machine: MachinePlace | null }) {
  const t = useMessages(fieldJobsMessages);
  return (
    <div className="field-jobs-block" data-testid="job-what">
      <h2>{t.what}</h2>
      <dl>
        <dt>{t.machine}</dt>
        <dd>{view.serialNumber} · {view.machine?.model ?? machine?.model ?? '—'}{view.machine?.productLine ? ` (${view.machine.productLine})` : ''}</dd>
        <dt>{t.symptom}</dt>
        <dd>{view.symptom ?? '—'}</dd>
        <dt>{t.priority}</dt>
        <dd>{view.tier} · {t[`route:${view.route}` as keyof typeof t] ?? view.route}</dd>
      </dl>
    </div>
  );
}

function Where({ view, machine, contact }: { view: JobView; machine: MachinePlace | null; contact: { name: string; phone?: string } | null }) {
  const t = useMessages(fieldJobsMessages);
  const at = useFormatInstant();
  const site = machine?.site;
  const travel = view.plannedDepartAt && view.plannedStart ? minutesBetween(new Date(view.plannedDepartAt), new Date(view.plannedStart)) : null;
  const point = view.site ? `https://www.openstreetmap.org/?mlat=${view.site.lat}&mlon=${view.site.lon}#map=15/${view.site.lat}/${view.site.lon}` : null;
  return (
    <div className="field-jobs-block" data-testid="job-where">
      <h2>{t.where}</h2>
      <dl>
        <dt>{t.customer}</dt>
        <dd>{machine?.customer?.name ?? view.customerId}</dd>
        <dt>{t.site}</dt>
        <dd>
          {[site?.name, site?.address, site?.city ?? view.site?.city].filter(Boolean).join(', ') || '—'}
          {point && (
            <>
              {' '}
              <a href={point} target="_blank" rel="noreferrer">{t.map}</a>
            </>
          )}
        </dd>
        {contact && (
          <>
            <dt>{t.contact}</dt>
            <dd>
              {contact.name}
              {contact.phone && (
                <>
                  {' · '}
                  <a href={`tel:${contact.phone.replace(/\s+/g, '')}`}>{contact.phone}</a>
                </>
              )}
            </dd>
          </>
        )}
        <dt>{t.window}</dt>
        <dd data-testid="job-window">{view.plannedStart ? `${at(view.plannedStart)} – ${at(view.plannedEnd)}` : t.unplanned}</dd>
        {view.plannedDepartAt && (
          <>
            <dt>{t.travel}</dt>
            <dd>{t.leaveAt} {at(view.plannedDepartAt)}{travel !== null ? ` · ${travel} ${t.minutes}` : ''}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

/** Intake's flags on the machine and dispatch's on the job, once each. */
function Containment({ view, machine }: { view: JobView; machine: MachinePlace | null }) {
  const t = useMessages(fieldJobsMessages);
  const flags = new Map<string, { eightDId: string; discipline: string; instruction: string; carryParts: string[] }>();
  for (const f of [...(machine?.containment ?? []), ...view.containment]) if (!flags.has(f.flagId)) flags.set(f.flagId, f);
  if (flags.size === 0) return null;
  return (
    <div className="field-jobs-block field-jobs-containment" role="alert" data-testid="job-containment">
      <h2>{t.containment}</h2>
      <ul>
        {[...flags.entries()].map(([id, f]) => (
          <li key={id}>
            <strong>{f.eightDId} {f.discipline}</strong>: {f.instruction}
            {f.carryParts.length > 0 && <> · {t.bring}: {f.carryParts.join(', ')}</>}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Parts({ lines, nameOf }: { lines: CarryLine[]; nameOf: Map<string, string> }) {
  const t = useMessages(fieldJobsMessages);
  return (
    <div className="field-jobs-block" data-testid="job-parts">
      <h2>{t.parts}</h2>
      {lines.length === 0 ? (
        <p>{t.noParts}</p>
      ) : (
        <ul className="field-jobs-parts">
          {lines.map((l) => (
            <li key={l.partNumber} data-part={l.partNumber}>
              <strong>{l.quantity ?? '—'} × {l.partNumber}</strong> {nameOf.get(l.partNumber) ?? ''}
              <span className="field-jobs-part-why">
                {[l.reserved ? `${t.reserved} (${l.locations.join(', ')})` : null, l.containment ? t.forContainment : null, l.inVan ? t.inVan : null].filter(Boolean).join(' · ')}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
