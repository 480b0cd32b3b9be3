import { useState } from 'react';
import { useDepots, useDepotQueue } from '../api/depots';
import type { DeskMessages } from '../messages';

/** A depot's repair queue: what is on each bench, then what waits, each with why it stands there. */
export function DepotQueue({ t }: { t: DeskMessages }) {
  const depots = useDepots();
  const [picked, setPicked] = useState<string | null>(null);
  const depotId = picked ?? depots[0]?.id ?? null;
  const queue = useDepotQueue(depotId);
  const body = queue.data?.status === 200 ? queue.data.body : null;

  return (
    <section className="dispatch-desk-panel" aria-labelledby="dispatch-desk-depot-title" data-testid="depot-queue">
      <h3 id="dispatch-desk-depot-title">{t.depotQueue}</h3>
      {depots.length === 0 ? (
        <p>{t.noDepot}</p>
      ) : (
        <>
          <div className="dispatch-desk-filters">
            <label>
              {t.depot}
              <select name="depot" value={depotId ?? ''} onChange={(e) => setPicked(e.target.value)}>
                {depots.map((d) => <option key={d.id} value={d.id}>{d.name} ({d.city})</option>)}
              </select>
            </label>
            {body && (
              <p className="dispatch-desk-note">
                {t.benches}: {body.benches.map((b) => `${b.benchId} (${t.wipLimit} ${b.wipLimit})`).join(', ')}
              </p>
            )}
          </div>
          {queue.data && queue.data.status !== 200 && <p role="alert" className="dispatch-desk-error">{queue.data.status} {queue.data.body.error?.message}</p>}
          {body && body.items.length === 0 && <p>{t.queueEmpty}</p>}
          {body && body.items.length > 0 && (
            <table className="dispatch-desk-table">
              <thead>
                <tr>
                  <th scope="col">{t.position}</th>
                  <th scope="col">{t.workOrder}</th>
                  <th scope="col">{t.state}</th>
                  <th scope="col">{t.bench}</th>
                  <th scope="col">{t.nextBench}</th>
                  <th scope="col">{t.why}</th>
                </tr>
              </thead>
              <tbody>
                {body.items.map((e) => (
                  <tr key={e.workOrderId}>
                    <td>{e.position}</td>
                    <th scope="row">{e.workOrderId}</th>
                    <td>{t[e.state]}</td>
                    <td>{e.benchId ?? '—'}</td>
                    <td>{e.nextBench ?? '—'}</td>
                    <td>{e.why}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
