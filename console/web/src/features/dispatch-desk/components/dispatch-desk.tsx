import { useState } from 'react';
import type { ScreenProps } from '../../../app/screen-props';
import { fill, useFormatInstant, useMessages } from '../../../lib/i18n';
import { useEngineers } from '../api/engineers';
import { replan, useRequestFacts, useWorkOrders, type WorkOrder } from '../api/work-orders';
import { deskMessages, statusShown } from '../messages';
import { openStatuses } from '../work-orders';
import { CandidatesPanel } from './candidates-panel';
import { DepotQueue } from './depot-queue';
import { EngineerTimeline } from './engineer-timeline';
import { WorkOrderTable } from './work-order-table';
import '../dispatch-desk.css';

/**
 * The dispatcher's and service manager's desk: the work orders, the ranked and explained candidates
 * of one (assigned in one click), re-planning, the engineers' calendars and the depot queue.
 */
export function DispatchDesk(_props: ScreenProps) {
  const t = useMessages(deskMessages);
  const when = useFormatInstant();
  const [status, setStatus] = useState('open');
  const orders = useWorkOrders(status);
  const facts = useRequestFacts(orders.items.map((w) => w.requestId));
  const engineers = useEngineers();
  const byId = new Map(engineers.items.map((e) => [e.id, e]));
  const [chosen, setChosen] = useState<string | null>(null);
  // A work order just changed here, kept until the list's next read catches up with it.
  const [fresh, setFresh] = useState<WorkOrder | null>(null);
  const [version, setVersion] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  const items = orders.items.map((w) => (fresh && w.id === fresh.id && fresh.version > w.version ? fresh : w));
  const chosenOrder = items.find((w) => w.id === chosen) ?? (fresh?.id === chosen ? fresh : undefined);
  const nameOf = (id: string) => byId.get(id)?.name ?? id;

  const changed = (after: WorkOrder) => {
    setFresh(after);
    orders.reload();
    setVersion((v) => v + 1);
  };

  const assigned = (after: WorkOrder) => {
    changed(after);
    setNotice({ ok: true, text: `${after.id} ${t.assigned} ${after.engineerId ? `${nameOf(after.engineerId)} (${after.engineerId})` : '—'}, ${t.arrivingAt} ${when(after.plannedStart)}` });
  };

  const replanOne = async (wo: WorkOrder) => {
    setBusy(wo.id);
    setNotice(null);
    try {
      const answer = await replan(wo.id);
      if (answer.status !== 200) return setNotice({ ok: false, text: `${t.failed} (${answer.status}): ${answer.body.error?.message ?? ''}` });
      changed(answer.body);
      const after = answer.body;
      setNotice({
        ok: true,
        text: after.engineerId ? `${t.replanned.replace('{id}', after.id)} ${nameOf(after.engineerId)} (${after.engineerId}), ${t.arrivingAt} ${when(after.plannedStart)}` : t.replannedNobody.replace('{id}', after.id),
      });
    } catch (error) {
      setNotice({ ok: false, text: `${t.failed}: ${String(error)}` });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="dispatch-desk" aria-labelledby="dispatch-desk-title">
      <h2 id="dispatch-desk-title">{t.title}</h2>
      <div className="dispatch-desk-filters">
        <label>
          {t.statusFilter}
          <select name="workOrderStatus" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="open">{t.open}</option>
            {[...openStatuses, 'completed', 'cancelled'].map((s) => <option key={s} value={s}>{statusShown(t, s)}</option>)}
          </select>
        </label>
        <button type="button" className="dispatch-desk-secondary" onClick={orders.reload}>{t.refresh}</button>
      </div>
      <p role="status" className={notice ? (notice.ok ? 'dispatch-desk-ok' : 'dispatch-desk-error') : undefined} data-testid="desk-notice">{notice?.text}</p>
      {orders.data && orders.data.status !== 200 && <p role="alert" className="dispatch-desk-error">{orders.data.status} {orders.data.body.error?.message}</p>}
      {!orders.data && <p>{t.loading}</p>}
      {orders.data?.status === 200 && items.length === 0 && <p>{t.none}</p>}
      {orders.total !== null && orders.total > items.length && (
        <p role="status" className="dispatch-desk-error" data-testid="work-orders-left-out">
          {fill(t.listedOf, { shown: items.length, total: orders.total })}
        </p>
      )}
      {items.length > 0 && (
        <WorkOrderTable t={t} items={items} facts={facts} engineers={byId} chosen={chosen} busy={busy} onCandidates={(id) => setChosen(id === chosen ? null : id)} onReplan={(wo) => void replanOne(wo)} />
      )}
      {chosenOrder && (
        <CandidatesPanel key={chosenOrder.id} t={t} workOrder={chosenOrder} request={facts.get(chosenOrder.requestId)} engineers={byId} onAssigned={assigned} onClose={() => setChosen(null)} />
      )}
      <EngineerTimeline t={t} engineers={engineers.items} version={version} highlight={chosen} />
      <DepotQueue t={t} />
    </section>
  );
}
