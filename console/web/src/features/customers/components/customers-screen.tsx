import { useState, type FormEvent } from 'react';
import type { ScreenProps } from '../../../app/screen-props';
import { useMessages } from '../../../lib/i18n';
import { findCustomers, useCustomerList, type CustomerSummary } from '../api/customers';
import type { SearchOutcome } from '../installed-base';
import { classMessages, customerMessages } from '../messages';
import { Customer360 } from './customer-360';
import './customers.css';

/** Roles of intake's POST /v1/machines and POST /v1/service-requests; of GET …/proactive-visits. */
const writers = ['agent', 'manager', 'platform', 'dealer'];
const visitReaders = ['agent', 'manager', 'auditor', 'platform'];

function CustomerTable({ customers, caption, onOpen, openId }: { customers: CustomerSummary[]; caption: string; onOpen: (id: string) => void; openId: string | null }) {
  const t = useMessages(customerMessages);
  const classes = useMessages(classMessages);
  return (
    <table className="customers-table" data-testid="customer-list">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t.id}</th>
          <th scope="col">{t.name}</th>
          <th scope="col">{t.class}</th>
          <th scope="col">{t.dealer}</th>
          <th scope="col">{t.city}</th>
          <th scope="col"><span className="customers-hidden">{t.open}</span></th>
        </tr>
      </thead>
      <tbody>
        {customers.length === 0 && (
          <tr>
            <td colSpan={6}>{t.none}</td>
          </tr>
        )}
        {customers.map((c) => (
          <tr key={c.id} data-customer={c.id} className={c.id === openId ? 'customers-open' : undefined}>
            <td>{c.id}</td>
            <td>{c.name}</td>
            <td>{classes[c.class as keyof typeof classes] ?? c.class}</td>
            <td>{c.dealerId ?? '—'}</td>
            <td>{[...new Set(c.sites.map((s) => s.city))].join(', ') || '—'}</td>
            <td>
              <button type="button" className="customers-button" onClick={() => onOpen(c.id)} aria-label={`${t.open} ${c.name} (${c.id})`}>
                {t.open}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The customer 360° view: an agent finds a customer and sees its sites, machines with entitlement,
 * contracts, requests and proactive visits; a dealer sees only its own end customers (intake scopes
 * every answer to the token's dealer) and registers their machines and requests.
 */
export function CustomersScreen({ session }: ScreenProps) {
  const t = useMessages(customerMessages);
  const isDealer = session.roles.includes('dealer');
  const canWrite = session.roles.some((r) => writers.includes(r));
  const canReadVisits = session.roles.some((r) => visitReaders.includes(r));
  const list = useCustomerList();
  const [text, setText] = useState('');
  const [searching, setSearching] = useState(false);
  const [found, setFound] = useState<{ outcome: SearchOutcome; matches: CustomerSummary[] } | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);

  const onFind = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setSearching(true);
    findCustomers(text)
      .then((answer) => {
        setFound(answer);
        // Whatever was open before belongs to an earlier search: a "not found" never sits beside old data.
        setOpenId(answer.outcome.kind === 'customer' ? answer.outcome.id : null);
      })
      .catch(() => setFound({ outcome: { kind: 'error', status: 0 }, matches: [] }))
      .finally(() => setSearching(false));
  };
  const showAll = () => {
    setFound(null);
    setText('');
  };

  const all = list.items;
  const matches = found?.outcome.kind === 'matches' ? found.matches : null;
  return (
    <section aria-labelledby="customers-title" className="customers">
      <h2 id="customers-title">{isDealer ? t.dealerTitle : t.title}</h2>
      <form onSubmit={onFind} className="customers-find" role="search">
        <label>
          {t.findLabel}
          <input name="customer" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" aria-describedby="customers-find-hint" />
        </label>
        <button type="submit" className="customers-button" disabled={searching || !text.trim()}>
          {t.find}
        </button>
        {found && (
          <button type="button" className="customers-button customers-quiet" onClick={showAll}>
            {t.showAll}
          </button>
        )}
      </form>
      <p id="customers-find-hint" className="customers-hint">{t.findHint}</p>
      {found?.outcome.kind === 'not-found' && (
        <p role="status" className="customers-notice" data-testid="customers-not-found">
          {t.notFound}
        </p>
      )}
      {found?.outcome.kind === 'error' && (
        <p role="alert" className="customers-error">
          {t.failed} ({found.outcome.status})
        </p>
      )}
      {list.first.data && list.first.data.status !== 200 && (
        <p role="alert" className="customers-error">
          {t.failed}: {list.first.data.status} {list.first.data.body.error?.message ?? ''}
        </p>
      )}
      {!list.first.data && list.first.loading && <p>{t.loading}</p>}
      <CustomerTable customers={matches ?? all} caption={matches ? t.matches : isDealer ? t.yourCustomers : t.customers} onOpen={setOpenId} openId={openId} />
      {!matches && list.moreFailed !== null && (
        <p role="alert" className="customers-error">
          {t.failed} ({list.moreFailed})
        </p>
      )}
      {!matches && list.hasMore && (
        <button type="button" className="customers-button customers-quiet" onClick={list.more} disabled={list.loadingMore} data-testid="customers-more">
          {list.loadingMore ? t.loading : t.more}
        </button>
      )}
      {openId && <Customer360 key={openId} id={openId} canWrite={canWrite} canReadVisits={canReadVisits} channel={isDealer ? 'dealer' : 'phone'} />}
    </section>
  );
}
