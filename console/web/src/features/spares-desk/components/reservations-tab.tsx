import { useState, type FormEvent } from 'react';
import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { useReservations } from '../api/spares';
import { sparesMessages } from '../messages';

/**
 * Reservations per work order: spares lists them only by work order, so the desk shows those of
 * the work orders its requisitions and returns name, and any other the user looks up.
 */
export function ReservationsTab({ known }: { known: { workOrderId: string; requestId: string }[] }) {
  const t = useMessages(sparesMessages);
  const when = useFormatInstant();
  const [typed, setTyped] = useState('');
  const [looked, setLooked] = useState<string[]>([]);
  const workOrders = [...looked, ...known.map((k) => k.workOrderId).filter((w) => !looked.includes(w))];
  const found = useReservations(workOrders);

  const onLookUp = (event: FormEvent) => {
    event.preventDefault();
    const id = typed.trim();
    // The API holds the id to its rule and says so: no second rule here.
    if (!id) return;
    setLooked((l) => [id, ...l.filter((w) => w !== id)]);
    setTyped('');
  };

  const rows = workOrders.flatMap((w) => {
    const answer = found.get(w);
    return typeof answer === 'object' ? answer.items : [];
  });
  const failed = workOrders.filter((w) => typeof found.get(w) === 'string');

  return (
    <div className="spares-desk-reservations">
      <h3>{t.reservationsTitle}</h3>
      <p className="spares-desk-hint">{t.reservationsHint}</p>
      <form onSubmit={onLookUp} className="spares-desk-filters">
        <label>
          {t.lookUpWorkOrder}
          <input name="workOrderId" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        </label>
        <button type="submit" className="spares-desk-button">{t.show}</button>
      </form>
      {workOrders.length === 0 && <p>{t.noWorkOrders}</p>}
      {failed.map((w) => (
        <p key={w} role="alert" className="spares-desk-error">{w}: {t.readFailed} ({String(found.get(w))})</p>
      ))}
      {workOrders.length > 0 && (
        <table className="spares-desk-table" data-testid="reservations">
          <thead>
            <tr>
              <th scope="col">{t.reservation}</th>
              <th scope="col">{t.workOrder}</th>
              <th scope="col">{t.request}</th>
              <th scope="col">{t.lines}</th>
              <th scope="col">{t.status}</th>
              <th scope="col">{t.reservedAt}</th>
              <th scope="col">{t.expiresAt}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-reservation={r.id}>
                <th scope="row">{r.id}</th>
                <td>{r.workOrderId}</td>
                <td>{r.requestId}</td>
                <td>{r.lines.map((l) => `${l.partNumber} × ${l.quantity} @ ${l.locationId}`).join(', ')}</td>
                <td>
                  <span className={`spares-desk-badge spares-desk-${r.status}`}>{t[r.status]}</span>
                  {r.endReason && r.endReason !== r.status && ` (${r.endReason})`}
                </td>
                <td>{when(r.reservedAt)}</td>
                <td>{r.status === 'active' ? when(r.expiresAt) : `${t.ended} ${when(r.endedAt)}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {workOrders.length > 0 && found.size > 0 && rows.length === 0 && <p>{t.noReservations}</p>}
    </div>
  );
}
