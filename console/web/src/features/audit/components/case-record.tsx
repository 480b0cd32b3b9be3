import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { useCaseRecord } from '../api/audit';
import { auditMessages } from '../messages';

/** A case's id as a link that opens its record on the same screen (the KPI drill-down uses it too). */
export function CaseLink({ id, onOpen }: { id: string; onOpen: (id: string) => void }) {
  return (
    <a
      href={`#case=${encodeURIComponent(id)}`}
      data-case-link={id}
      onClick={(e) => {
        e.preventDefault();
        onOpen(id);
      }}
    >
      {id}
    </a>
  );
}

/**
 * One case as insight folded it: its milestones, and every fact (event) it was built from with
 * when and by whom, those that arrived after the close marked. Read-only.
 */
export function CaseRecordPanel({ id, onClose }: { id: string; onClose: () => void }) {
  const t = useMessages(auditMessages);
  const when = useFormatInstant();
  const record = useCaseRecord(id);
  const c = record.data?.status === 200 ? record.data.body : null;
  const closedAt = c?.closedAt ?? null;
  const milestones: [string, string | null][] = c
    ? [[t.registered, c.registeredAt], [t.screened, c.screenedAt], [t.assigned, c.firstAssignedAt], [t.resolved, c.resolvedAt], [t.accepted, c.acceptedAt], [t.closed, c.closedAt], [t.cancelled, c.cancelledAt]]
    : [];
  return (
    <section className="audit-record" aria-labelledby="audit-record-title" data-testid="case-record" data-case={id} data-ready={c ? 'true' : 'false'}>
      <div className="audit-head">
        <h3 id="audit-record-title">{t.record} {id}</h3>
        <button type="button" onClick={onClose}>{t.recordClose}</button>
      </div>
      {record.data?.status === 404 && <p role="alert">{t.notFound}</p>}
      {record.data && record.data.status !== 200 && record.data.status !== 404 && <p role="alert" className="audit-problem">{t.refused} {record.data.status} {record.data.body.error?.message}</p>}
      {c && (
        <>
          <dl className="audit-facts">
            <dt>{t.customer}</dt><dd>{c.customerId}</dd>
            <dt>{t.machine}</dt><dd>{c.serialNumber}{c.model ? ` · ${c.model}` : ''}</dd>
            <dt>{t.tier}</dt><dd>{c.tier ?? '—'} · {c.channel}</dd>
            <dt>{t.engineer}</dt><dd>{c.engineerId ?? '—'}</dd>
            <dt>{t.effort}</dt><dd>{c.effortMinutes} / {c.travelMinutes}</dd>
            {milestones.map(([label, at]) => (
              <div key={label} className="audit-pair"><dt>{label}</dt><dd>{at ? <time dateTime={at}>{when(at)}</time> : '—'}</dd></div>
            ))}
          </dl>
          <table className="audit-table" data-testid="case-facts">
            <caption>{t.facts}</caption>
            <thead><tr><th scope="col">{t.fact}</th><th scope="col">{t.at}</th><th scope="col">{t.by}</th></tr></thead>
            <tbody>
              {c.facts.map((f) => (
                <tr key={f.id} data-fact={f.type}>
                  <th scope="row">{f.type}{closedAt && f.at > closedAt && f.changes ? <em> ({t.afterClose})</em> : null}</th>
                  <td><time dateTime={f.at}>{when(f.at)}</time></td>
                  <td>{f.by ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
