import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ScreenProps } from '../../../app/screen-props';
import { useMessages } from '../../../lib/i18n';
import { useRequisitions, useReturns } from '../api/spares';
import { approvalInbox, knownWorkOrders } from '../desk';
import { sparesMessages } from '../messages';
import { ApprovalsTab } from './approvals-tab';
import { ClaimsTab } from './claims-tab';
import { ReservationsTab } from './reservations-tab';
import { ReturnsTab } from './returns-tab';
import { StockTab } from './stock-tab';
import '../spares-desk.css';

const tabs = ['approvals', 'stock', 'reservations', 'returns', 'claims'] as const;
type Tab = (typeof tabs)[number];

/**
 * The spares staff's desk: the approval inbox first (it is where someone waits on them), then
 * stock by location, reservations, defective parts to chase, and supplier claims with quotes.
 */
export function SparesDesk({ session }: ScreenProps) {
  const t = useMessages(sparesMessages);
  const [tab, setTab] = useState<Tab>('approvals');
  const buttons = useRef<Record<Tab, HTMLButtonElement | null>>({ approvals: null, stock: null, reservations: null, returns: null, claims: null });
  // Read here, not in the tabs: the inbox count sits on its tab, and the work orders both name
  // are where reservations and quotes are looked up.
  const requisitions = useRequisitions();
  const returns = useReturns();
  const waiting = approvalInbox(requisitions.items, session.sub).yours.length;
  const workOrders = useMemo(
    () => knownWorkOrders([...requisitions.items.map((r) => ({ workOrderId: r.workOrderId, requestId: r.requestId, at: r.createdAt })), ...returns.items.map((r) => ({ workOrderId: r.workOrderId, requestId: r.requestId, at: r.createdAt }))]),
    [requisitions.items, returns.items],
  );

  const labels: Record<Tab, string> = { approvals: t.tabApprovals, stock: t.tabStock, reservations: t.tabReservations, returns: t.tabReturns, claims: t.tabClaims };
  const onKey = (event: KeyboardEvent) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    const to = event.key === 'Home' ? tabs[0] : event.key === 'End' ? tabs[tabs.length - 1] : step ? tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length] : null;
    if (!to) return;
    event.preventDefault();
    setTab(to);
    buttons.current[to]?.focus();
  };

  return (
    <section aria-labelledby="spares-desk-title" className="spares-desk">
      <h2 id="spares-desk-title">{t.title}</h2>
      <div role="tablist" aria-label={t.tabs} className="spares-desk-tabs" onKeyDown={onKey}>
        {tabs.map((name) => (
          <button
            key={name}
            ref={(el) => {
              buttons.current[name] = el;
            }}
            type="button"
            role="tab"
            id={`spares-desk-tab-${name}`}
            aria-selected={tab === name}
            aria-controls={`spares-desk-panel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            onClick={() => setTab(name)}
            data-tab={name}
          >
            {labels[name]}
            {name === 'approvals' && waiting > 0 && <span className="spares-desk-count" data-testid="approvals-waiting"> {waiting}</span>}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`spares-desk-panel-${tab}`} aria-labelledby={`spares-desk-tab-${tab}`} className="spares-desk-panel" tabIndex={0}>
        {tab === 'approvals' && <ApprovalsTab person={session.sub} requisitions={requisitions} />}
        {tab === 'stock' && <StockTab />}
        {tab === 'reservations' && <ReservationsTab known={workOrders} />}
        {tab === 'returns' && <ReturnsTab returns={returns} />}
        {tab === 'claims' && <ClaimsTab knownRequests={[...new Set(workOrders.map((w) => w.requestId))]} />}
      </div>
    </section>
  );
}
