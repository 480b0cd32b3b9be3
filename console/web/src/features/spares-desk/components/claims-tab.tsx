import { useState, type FormEvent } from 'react';
import { useFormatInstant, useLang, useMessages } from '../../../lib/i18n';
import { useQuotes, useSupplierClaims, type SupplierClaim } from '../api/spares';
import { money } from '../desk';
import { sparesMessages } from '../messages';

const claimStatuses = ['open', 'submitted', 'accepted', 'rejected', 'settled'] as const;

/** Recovery claims against suppliers, and quotes for paid work (per request, as spares lists them). */
export function ClaimsTab({ knownRequests }: { knownRequests: string[] }) {
  const t = useMessages(sparesMessages);
  const when = useFormatInstant();
  const { lang } = useLang();
  const [status, setStatus] = useState('');
  const claims = useSupplierClaims(status);
  const [typed, setTyped] = useState('');
  const [looked, setLooked] = useState<string[]>([]);
  const requests = [...looked, ...knownRequests.filter((r) => !looked.includes(r))];
  const quotes = useQuotes(requests);
  const quoteRows = requests.flatMap((r) => {
    const answer = quotes.get(r);
    return typeof answer === 'object' ? answer.items : [];
  });
  const claimLabel = (s: SupplierClaim['status']) => (s === 'rejected' ? t.claimRejected : t[s]);

  const onLookUp = (event: FormEvent) => {
    event.preventDefault();
    const id = typed.trim();
    if (!id) return;
    setLooked((l) => [id, ...l.filter((r) => r !== id)]);
    setTyped('');
  };

  return (
    <div className="spares-desk-claims">
      <h3>{t.claimsTitle}</h3>
      <div className="spares-desk-filters">
        <label>
          {t.claimStatus}
          <select name="claimStatus" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t.all}</option>
            {claimStatuses.map((s) => <option key={s} value={s}>{claimLabel(s)}</option>)}
          </select>
        </label>
      </div>
      {claims.error && <p role="alert" className="spares-desk-error">{t.readFailed}: {claims.error}</p>}
      {!claims.loaded ? <p>{t.loading}</p> : claims.items.length === 0 && <p>{t.noClaims}</p>}
      {claims.items.length > 0 && (
        <table className="spares-desk-table" data-testid="supplier-claims">
          <thead>
            <tr>
              <th scope="col">{t.claim}</th>
              <th scope="col">{t.supplier}</th>
              <th scope="col">{t.part}</th>
              <th scope="col">{t.lot}</th>
              <th scope="col" className="spares-desk-num">{t.amount}</th>
              <th scope="col">{t.status}</th>
              <th scope="col">{t.reason}</th>
              <th scope="col">{t.opened}</th>
            </tr>
          </thead>
          <tbody>
            {claims.items.map((c) => (
              <tr key={c.id} data-claim={c.id}>
                <th scope="row">{c.id}</th>
                <td>{c.supplierId}</td>
                <td>{c.partNumber}</td>
                <td>{c.lot ?? t.none}</td>
                <td className="spares-desk-num">{money(c.amountCents, c.currency, lang)}</td>
                <td><span className={`spares-desk-badge spares-desk-claim-${c.status}`}>{claimLabel(c.status)}</span></td>
                <td>{c.reason}</td>
                <td>{when(c.openedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>{t.quotesTitle}</h3>
      <p className="spares-desk-hint">{t.quotesHint}</p>
      <form onSubmit={onLookUp} className="spares-desk-filters">
        <label>
          {t.lookUpRequest}
          <input name="requestId" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        </label>
        <button type="submit" className="spares-desk-button">{t.show}</button>
      </form>
      {requests.filter((r) => typeof quotes.get(r) === 'string').map((r) => (
        <p key={r} role="alert" className="spares-desk-error">{r}: {t.readFailed} ({String(quotes.get(r))})</p>
      ))}
      {quoteRows.length > 0 ? (
        <table className="spares-desk-table" data-testid="quotes">
          <thead>
            <tr>
              <th scope="col">{t.quote}</th>
              <th scope="col">{t.request}</th>
              <th scope="col">{t.workOrder}</th>
              <th scope="col" className="spares-desk-num">{t.amount}</th>
              <th scope="col">{t.status}</th>
              <th scope="col">{t.issuedAt}</th>
              <th scope="col">{t.validUntil}</th>
              <th scope="col">{t.answer}</th>
            </tr>
          </thead>
          <tbody>
            {quoteRows.map((q) => (
              <tr key={q.id} data-quote={q.id}>
                <th scope="row">{q.id}</th>
                <td>{q.requestId}</td>
                <td>{q.workOrderId ?? t.none}</td>
                <td className="spares-desk-num">{money(q.totalCents, q.currency, lang)}</td>
                <td><span className={`spares-desk-badge spares-desk-quote-${q.status}`}>{t[q.status]}</span></td>
                <td>{when(q.issuedAt)}</td>
                <td>{when(q.validUntil)}</td>
                <td>{q.answer ? `${q.answer.by} · ${when(q.answer.at)}${q.answer.reason ? ` · ${q.answer.reason}` : ''}` : t.none}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t.noQuotes}</p>
      )}
    </div>
  );
}
