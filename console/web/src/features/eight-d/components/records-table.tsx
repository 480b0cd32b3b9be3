import { useFormatInstant, useMessages } from '../../../lib/i18n';
import type { FailureRecord } from '../api/eight-ds';
import { eightDMessages } from '../messages';

/** Failure records, one a row: which case, which machine, which mode, and the 8D that took it. */
export function RecordsTable({ records, caption }: { records: FailureRecord[]; caption: string }) {
  const t = useMessages(eightDMessages);
  const when = useFormatInstant();
  return (
    <table className="eight-d-table" data-testid="eight-d-records">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t.record}</th>
          <th scope="col">{t.request}</th>
          <th scope="col">{t.model}</th>
          <th scope="col">{t.failureMode}</th>
          <th scope="col">{t.occurredAt}</th>
          <th scope="col">{t.tier}</th>
          <th scope="col">{t.safety}</th>
          <th scope="col">{t.customer}</th>
          <th scope="col">{t.serial}</th>
          <th scope="col">{t.part}</th>
          <th scope="col">{t.cause}</th>
          <th scope="col">{t.eightD}</th>
        </tr>
      </thead>
      <tbody>
        {records.length === 0 && (
          <tr>
            <td colSpan={12}>{t.empty}</td>
          </tr>
        )}
        {records.map((r) => (
          <tr key={r.id} data-record={r.id}>
            <th scope="row">{r.id}</th>
            <td>{r.requestId}</td>
            <td>{r.model ?? '—'}</td>
            <td>{r.failureMode}</td>
            <td>{when(r.occurredAt)}</td>
            <td>{r.tier}</td>
            <td>{r.safety ? t.yes : t.no}</td>
            <td>{r.customerId}</td>
            <td>{r.serialNumber}</td>
            <td>{r.partNumber ?? '—'}</td>
            <td>{r.cause}</td>
            <td>{r.eightDId ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
