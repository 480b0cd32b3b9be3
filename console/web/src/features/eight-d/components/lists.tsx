import { useEffect, useState } from 'react';
import { fill, useFormatInstant, useMessages } from '../../../lib/i18n';
import { useFailureRecords, useRecurrences } from '../api/eight-ds';
import { eightDMessages } from '../messages';
import { RecordsTable } from './records-table';

/** The model typed in the filter, once it has stopped changing for a moment. */
function useModelFilter(): [string, string, (v: string) => void] {
  const [typed, setTyped] = useState('');
  const [settled, setSettled] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setSettled(typed.trim()), 300);
    return () => clearTimeout(timer);
  }, [typed]);
  return [typed, settled, setTyped];
}

function ModelFilter({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const t = useMessages(eightDMessages);
  return (
    <label className="eight-d-filter">
      {t.filterModel}
      <input name="model" value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

/** Which recurrence rules fired for which failure record, and the 8D each opened or joined. */
export function RecurrenceList({ onOpen }: { onOpen: (id: string) => void }) {
  const t = useMessages(eightDMessages);
  const when = useFormatInstant();
  const [typed, model, setTyped] = useModelFilter();
  const hits = useRecurrences(model);
  const body = hits.data?.status === 200 ? hits.data.body : null;
  const thresholds = body?.thresholds?.default;
  return (
    <section aria-labelledby="eight-d-recurrences-title">
      <h2 id="eight-d-recurrences-title">{t.tabRecurrences}</h2>
      <ModelFilter value={typed} onChange={setTyped} />
      {thresholds && <p>{fill(t.thresholds, { count: thresholds.sameModelCount, days: thresholds.sameModelWindowDays })}</p>}
      {hits.data && !body && <p role="alert">{t.loadFailed}: {hits.data.body?.error?.message ?? hits.data.status}</p>}
      {body && (
        <table className="eight-d-table" data-testid="eight-d-recurrences">
          <thead>
            <tr>
              <th scope="col">{t.checkedAt}</th>
              <th scope="col">{t.record}</th>
              <th scope="col">{t.problem}</th>
              <th scope="col">{t.rules}</th>
              <th scope="col">{t.records}</th>
              <th scope="col">{t.outcome}</th>
              <th scope="col">{t.eightD}</th>
              <th scope="col">{t.linked}</th>
            </tr>
          </thead>
          <tbody>
            {body.items.length === 0 && (
              <tr>
                <td colSpan={8}>{t.empty}</td>
              </tr>
            )}
            {body.items.map((h, i) => (
              <tr key={`${h.failureRecordId}-${h.eightDId}-${i}`}>
                <td>{when(h.checkedAt)}</td>
                <th scope="row">{h.failureRecordId}</th>
                <td>{h.problem.model} · {h.problem.failureMode}</td>
                <td>{h.rules.join(', ')}</td>
                <td>{h.recordIds.length}</td>
                <td>{t[`out.${h.outcome}`]}</td>
                <td>
                  <button type="button" onClick={() => onOpen(h.eightDId)}>{h.eightDId}</button>
                </td>
                <td>{h.linkedEightDIds.join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Every failure record quality keeps (one per service request), filtered by model. */
export function FailureRecordList() {
  const t = useMessages(eightDMessages);
  const [typed, model, setTyped] = useModelFilter();
  const records = useFailureRecords(model);
  const body = records.data?.status === 200 ? records.data.body : null;
  return (
    <section aria-labelledby="eight-d-records-title">
      <h2 id="eight-d-records-title">{t.tabRecords}</h2>
      <ModelFilter value={typed} onChange={setTyped} />
      {records.data && !body && <p role="alert">{t.loadFailed}: {records.data.body?.error?.message ?? records.data.status}</p>}
      {body && <RecordsTable records={body.items} caption={t.tabRecords} />}
    </section>
  );
}
