import { useEffect, useState } from 'react';
import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { returnsToChase, type DefectiveReturn } from '../desk';
import { sparesMessages } from '../messages';

/** Defective parts still out, the most urgent first: red-flagged, then the longest overdue. */
export function ReturnsTab({ returns }: { returns: { items: DefectiveReturn[]; error: string | null; loaded: boolean } }) {
  const t = useMessages(sparesMessages);
  const when = useFormatInstant();
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  const rows = returnsToChase(returns.items, now);

  return (
    <div className="spares-desk-returns">
      <h3>{t.returnsTitle}</h3>
      <p className="spares-desk-hint">{t.returnsHint}</p>
      {returns.error && <p role="alert" className="spares-desk-error">{t.readFailed}: {returns.error}</p>}
      {!returns.loaded ? <p>{t.loading}</p> : rows.length === 0 && <p>{t.nothingToChase}</p>}
      {rows.length > 0 && (
        <table className="spares-desk-table" data-testid="returns">
          <thead>
            <tr>
              <th scope="col">{t.part}</th>
              <th scope="col" className="spares-desk-num">{t.quantity}</th>
              <th scope="col">{t.removedSerial}</th>
              <th scope="col">{t.workOrder}</th>
              <th scope="col">{t.engineer}</th>
              <th scope="col">{t.machine}</th>
              <th scope="col">{t.dueAt}</th>
              <th scope="col">{t.overdue}</th>
              <th scope="col">{t.chased}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-return={r.id} className={r.overdueDays > 0 ? 'spares-desk-row-overdue' : undefined}>
                <th scope="row">{r.partNumber}</th>
                <td className="spares-desk-num">{r.quantity}</td>
                <td>{r.removedSerial ?? t.none}</td>
                <td>{r.workOrderId} · {r.requestId}</td>
                <td>{r.engineerId ?? t.none}</td>
                <td>{r.machineSerial}{r.model ? ` · ${r.model}` : ''}</td>
                <td>{when(r.dueAt)}</td>
                <td data-testid="overdue">
                  {r.flaggedAt && <><span className="spares-desk-badge spares-desk-out">{t.flagged}</span> </>}
                  {r.overdueDays > 0 ? <span className="spares-desk-badge spares-desk-low">{t.daysOverdue.replace('{n}', String(r.overdueDays))}</span> : t.notYetDue}
                </td>
                <td>{r.chaseCount > 0 ? `${r.chaseCount} × · ${when(r.lastChasedAt)}` : t.none}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
