import { useState } from 'react';
import { useFormatInstant, useLang, useMessages } from '../../../lib/i18n';
import { useDecide, usePriceCurrency, type Outcome } from '../api/spares';
import { approvalInbox, money, requisitionValueCents, statusOf, type Requisition, type RequisitionStatus } from '../desk';
import { sparesMessages } from '../messages';

interface Props {
  person: string;
  requisitions: { items: Requisition[]; error: string | null; loaded: boolean; reload: () => void };
}

/** What the signed-in approver may decide, what waits on others, and what was decided lately. */
export function ApprovalsTab({ person, requisitions }: Props) {
  const t = useMessages(sparesMessages);
  const when = useFormatInstant();
  // Decided here: gone from the inbox at once, before the next read confirms it.
  const [decidedHere, setDecidedHere] = useState<Map<string, RequisitionStatus>>(new Map());
  const currency = usePriceCurrency();
  const [told, setTold] = useState<string | null>(null);
  // A refusal stays told here after its card goes (the next read drops a requisition decided elsewhere).
  const [refusal, setRefusal] = useState<string | null>(null);
  const inbox = approvalInbox(requisitions.items.filter((r) => !decidedHere.has(r.id)), person);
  const decided = requisitions.items
    .filter((r) => r.approvalNeeded && (statusOf(r) !== 'pending-approval' || decidedHere.has(r.id)))
    .sort((a, b) => (b.decision?.decidedAt ?? b.createdAt).localeCompare(a.decision?.decidedAt ?? a.createdAt))
    .slice(0, 10);

  const onDecided = (r: Requisition, status: RequisitionStatus) => {
    setDecidedHere((m) => new Map(m).set(r.id, status));
    setTold(`${r.id}: ${t[status]}`);
    setRefusal(null);
    requisitions.reload();
  };

  return (
    <div className="spares-desk-approvals">
      <h3>{t.approvalsTitle}</h3>
      {requisitions.error && <p role="alert" className="spares-desk-error">{t.readFailed}: {requisitions.error}</p>}
      {told && <p role="status" className="spares-desk-ok" data-testid="decision-outcome">{t.decided} · {told}</p>}
      {refusal && <p role="alert" className="spares-desk-error" data-testid="last-refusal">{refusal}</p>}
      <h4>{t.waitingForYou}</h4>
      {!requisitions.loaded ? <p>{t.loading}</p> : inbox.yours.length === 0 && <p data-testid="inbox-empty">{t.nothingForYou}</p>}
      <ul className="spares-desk-inbox" data-testid="approval-inbox">
        {inbox.yours.map((r) => <DecisionCard key={r.id} requisition={r} currency={currency} onDecided={onDecided} onRefused={(text) => setRefusal(`${r.id}: ${text}`)} />)}
      </ul>
      {inbox.own.length > 0 && (
        <>
          <h4>{t.yourOwn}</h4>
          <p className="spares-desk-hint">{t.ownHint}</p>
          <WaitingTable items={inbox.own} />
        </>
      )}
      {inbox.others.length > 0 && (
        <>
          <h4>{t.othersWaiting}</h4>
          <p className="spares-desk-hint">{t.othersHint}</p>
          <WaitingTable items={inbox.others} />
        </>
      )}
      <h4>{t.recentlyDecided}</h4>
      {requisitions.loaded && decided.length === 0 && <p>{t.noneDecided}</p>}
      {decided.length > 0 && (
        <table className="spares-desk-table" data-testid="recently-decided">
          <thead>
            <tr>
              <th scope="col">{t.requisition}</th>
              <th scope="col">{t.workOrder}</th>
              <th scope="col">{t.requester}</th>
              <th scope="col">{t.status}</th>
              <th scope="col">{t.decidedBy}</th>
              <th scope="col">{t.decidedAt}</th>
              <th scope="col">{t.note}</th>
            </tr>
          </thead>
          <tbody>
            {decided.map((r) => {
              const status = r.decision?.decision ?? (statusOf(r) !== 'pending-approval' ? statusOf(r) : decidedHere.get(r.id) ?? statusOf(r));
              return (
                <tr key={r.id} data-requisition={r.id}>
                  <th scope="row">{r.id}</th>
                  <td>{r.workOrderId}</td>
                  <td>{r.requesterId}</td>
                  <td>
                    <span className={`spares-desk-badge spares-desk-${status}`} data-testid="requisition-status">{t[status]}</span>
                    {r.decision?.lapsed && ` (${t.lapsed})`}
                  </td>
                  <td>{r.decision?.by ?? (decidedHere.has(r.id) ? person : t.none)}</td>
                  <td>{r.decision ? when(r.decision.decidedAt) : t.none}</td>
                  <td>{r.decision?.note ?? t.none}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Lines({ requisition, currency }: { requisition: Requisition; currency: string }) {
  const { lang } = useLang();
  return (
    <ul className="spares-desk-lines">
      {requisition.lines.map((l) => (
        <li key={l.partNumber}>
          {l.partNumber} × {l.quantity} @ {money(l.unitPriceCents, currency, lang)}
        </li>
      ))}
    </ul>
  );
}

/** One requisition waiting for this approver: approve, or decline with a reason. */
function DecisionCard({ requisition: r, currency, onDecided, onRefused }: { requisition: Requisition; currency: string; onDecided: (r: Requisition, status: RequisitionStatus) => void; onRefused: (text: string) => void }) {
  const t = useMessages(sparesMessages);
  const when = useFormatInstant();
  const { lang } = useLang();
  const { decide, busy } = useDecide();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const reasonId = `spares-desk-reason-${r.id}`;

  const send = async (outcome: Outcome) => {
    if (outcome === 'reject' && !reason.trim()) return setProblem(t.declineNeedsReason);
    setProblem(null);
    const answer = await decide(r.id, outcome, reason);
    // The answer carries the process's state: decided, though the stored decision may follow a moment later.
    if (answer.status === 200) return onDecided(r, statusOf(answer.body));
    const error = answer.body.error;
    const text = `${t.refused} (${answer.status}${error?.code ? ` ${error.code}` : ''}): ${error?.message ?? ''}`;
    setProblem(text);
    onRefused(text);
  };

  return (
    <li data-requisition={r.id} className="spares-desk-card">
      <h5>
        {t.requisition} {r.id}
      </h5>
      <dl>
        <dt>{t.workOrder}</dt>
        <dd>{r.workOrderId}</dd>
        <dt>{t.request}</dt>
        <dd>{r.requestId}{r.model ? ` · ${r.model}` : ''}</dd>
        <dt>{t.requester}</dt>
        <dd>{r.requesterId} · {t.raised} {when(r.createdAt)}</dd>
        <dt>{t.lines}</dt>
        <dd><Lines requisition={r} currency={currency} /></dd>
        <dt>{t.value}</dt>
        <dd>{money(requisitionValueCents(r), currency, lang)}</dd>
        <dt>{t.reasons}</dt>
        <dd><ul>{r.reasons.map((reason) => <li key={reason}>{reason}</li>)}</ul></dd>
        <dt>{t.askedNow}</dt>
        <dd>
          {r.approval?.currentApprover ?? r.currentApprover ?? t.none}
          {r.approval && ` · ${t.deadline} ${when(r.approval.deadlineAt)}`}
          {r.escalations.length > 0 && ` · ${t.escalated}: ${r.escalations.map((e) => `${e.fromApprover} → ${e.toApprover}`).join(', ')}`}
        </dd>
      </dl>
      <label htmlFor={reasonId}>{t.reason}</label>
      <textarea id={reasonId} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} aria-describedby={`${reasonId}-hint`} maxLength={2000} />
      <p id={`${reasonId}-hint`} className="spares-desk-hint">{t.reasonHint}</p>
      <div className="spares-desk-actions">
        <button type="button" className="spares-desk-approve" disabled={busy !== null} onClick={() => void send('approve')}>{busy ? t.deciding : t.approve}</button>
        <button type="button" className="spares-desk-decline" disabled={busy !== null} onClick={() => void send('reject')}>{t.decline}</button>
      </div>
      {problem && <p role="alert" className="spares-desk-error" data-testid="decision-refused">{problem}</p>}
    </li>
  );
}

function WaitingTable({ items }: { items: Requisition[] }) {
  const t = useMessages(sparesMessages);
  const when = useFormatInstant();
  return (
    <table className="spares-desk-table">
      <thead>
        <tr>
          <th scope="col">{t.requisition}</th>
          <th scope="col">{t.workOrder}</th>
          <th scope="col">{t.requester}</th>
          <th scope="col">{t.lines}</th>
          <th scope="col">{t.askedNow}</th>
          <th scope="col">{t.deadline}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.id} data-requisition={r.id}>
            <th scope="row">{r.id}</th>
            <td>{r.workOrderId}</td>
            <td>{r.requesterId}</td>
            <td>{r.lines.map((l) => `${l.partNumber} × ${l.quantity}`).join(', ')}</td>
            <td>{r.approval?.currentApprover ?? r.currentApprover ?? t.none}</td>
            <td>{when(r.approval?.deadlineAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
