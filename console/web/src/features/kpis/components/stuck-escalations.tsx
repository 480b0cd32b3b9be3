import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { useStuckEscalations } from '../api/kpis';
import { kpiMessages } from '../messages';

/** Breached open requests from intake's SLA board: the escalations that have not moved them yet. */
export function StuckEscalations() {
  const t = useMessages(kpiMessages);
  const when = useFormatInstant();
  const board = useStuckEscalations();
  const items = board.data?.status === 200 ? board.data.body.items : [];
  return (
    <section aria-labelledby="kpis-stuck-title" className="kpis-stuck">
      <h3 id="kpis-stuck-title">{t.stuck}</h3>
      <p className="kpis-about">{t.stuckAbout}</p>
      {board.data && board.data.status !== 200 && <p role="alert" className="kpis-problem">{t.refused} {board.data.status} {board.data.body.error?.message}</p>}
      {items.length > 0 && (
        <table className="kpis-table" data-testid="stuck-escalations">
          <thead>
            <tr>
              <th scope="col">{t.request}</th>
              <th scope="col">{t.tier}</th>
              <th scope="col">{t.machineCol}</th>
              <th scope="col">{t.state}</th>
              <th scope="col">{t.clock}</th>
              <th scope="col">{t.due}</th>
              <th scope="col">{t.escalation}</th>
              <th scope="col">{t.owner}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} data-request={item.id}>
                <th scope="row">{item.id}</th>
                <td>{item.tier ?? '—'}</td>
                <td>{item.serialNumber} · {item.customerId}</td>
                <td>{item.status}</td>
                <td>{item.clock.name}{item.clock.paused ? ` (${t.paused})` : ''}</td>
                <td><time dateTime={item.clock.dueAt}>{when(item.clock.dueAt)}</time></td>
                <td>{item.lastEscalation ? <>#{item.lastEscalation.step} {item.lastEscalation.action} · <time dateTime={item.lastEscalation.at}>{when(item.lastEscalation.at)}</time></> : t.noEscalation}</td>
                <td>{item.owner ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {board.data?.status === 200 && items.length === 0 && <p>{t.noneStuck}</p>}
    </section>
  );
}
