import { useFormatInstant } from '../../../lib/i18n';
import type { Engineer } from '../api/engineers';
import type { RequestFacts, WorkOrder } from '../api/work-orders';
import { routeShown, statusShown, type DeskMessages } from '../messages';
import { isReplannable, neededSkill } from '../work-orders';

interface Props {
  t: DeskMessages;
  items: WorkOrder[];
  facts: Map<string, RequestFacts>;
  engineers: Map<string, Engineer>;
  chosen: string | null;
  busy: string | null;
  onCandidates: (id: string) => void;
  onReplan: (wo: WorkOrder) => void;
}

/** The work orders with what the dispatcher plans by: request, machine, site, skill, status, who and when. */
export function WorkOrderTable({ t, items, facts, engineers, chosen, busy, onCandidates, onReplan }: Props) {
  const when = useFormatInstant();
  return (
    <div className="dispatch-desk-scroll">
      <table className="dispatch-desk-table" data-testid="work-orders">
        <thead>
          <tr>
            <th scope="col">{t.workOrder}</th>
            <th scope="col">{t.request}</th>
            <th scope="col">{t.tier}</th>
            <th scope="col">{t.machine}</th>
            <th scope="col">{t.site}</th>
            <th scope="col">{t.skill}</th>
            <th scope="col">{t.status}</th>
            <th scope="col">{t.engineer}</th>
            <th scope="col">{t.plannedArrival}</th>
            <th scope="col">{t.onSiteDue}</th>
            <th scope="col">{t.actions}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((wo) => {
            const request = facts.get(wo.requestId);
            const skill = neededSkill(request?.machine?.productLine, wo.tier);
            const engineer = wo.engineerId ? engineers.get(wo.engineerId) : undefined;
            return (
              <tr key={wo.id} data-work-order={wo.id} aria-current={wo.id === chosen ? 'true' : undefined}>
                <th scope="row">{wo.id}</th>
                <td>
                  {wo.requestId}
                  {request && <div className="dispatch-desk-note">{request.symptom}</div>}
                </td>
                <td><span className={`dispatch-desk-tier dispatch-desk-tier-${wo.tier}`}>{wo.tier}</span></td>
                <td>
                  {request?.machine ? `${request.machine.model} · ${request.machine.productLine}` : request ? t.unknownMachine : '…'}
                  <div className="dispatch-desk-note">{wo.serialNumber} · {wo.customerId}</div>
                </td>
                <td>{request ? (request.site?.city ?? t.noSite) : '…'}</td>
                <td>{skill ? `${skill.productLine} ${skill.skill}, ${t.levelAtLeast} ${skill.minimumLevel}` : '—'}</td>
                <td data-testid="status">
                  <span className={`dispatch-desk-status dispatch-desk-status-${wo.status}`}>{statusShown(t, wo.status)}</span>
                  {wo.route !== 'field-visit' && <div className="dispatch-desk-note">{routeShown(t, wo.route)}</div>}
                  {wo.status === 'proposed' && wo.planningNote && <div className="dispatch-desk-note">{wo.planningNote}</div>}
                </td>
                <td data-testid="engineer">{wo.engineerId ? `${engineer?.name ?? wo.engineerId} (${wo.engineerId})` : '—'}</td>
                <td>{when(wo.plannedStart)}</td>
                <td>{when(wo.onSiteDueAt)}</td>
                <td className="dispatch-desk-actions">
                  <button type="button" onClick={() => onCandidates(wo.id)} aria-expanded={wo.id === chosen} aria-controls="dispatch-desk-candidates">
                    {t.candidates}<span className="dispatch-desk-hidden"> {wo.id}</span>
                  </button>
                  {isReplannable(wo) && (
                    <button type="button" className="dispatch-desk-secondary" disabled={busy === wo.id} onClick={() => onReplan(wo)}>
                      {t.replan}<span className="dispatch-desk-hidden"> {wo.id}</span>
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
