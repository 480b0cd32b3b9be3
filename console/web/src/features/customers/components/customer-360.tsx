import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { useCustomer, useCustomerRequests, useProactiveVisits, type CustomerMachine, type CustomerOverview, type RequestRecord } from '../api/customers';
import { contractsNaming, machineRows, warrantyState } from '../installed-base';
import { classMessages, customerMessages } from '../messages';
import { MachineRegistration } from './machine-registration';

type T = (typeof customerMessages)['en'];

function entitlementText(t: T, e: CustomerMachine['entitlementNow']): string {
  if (e.source.kind === 'contract') return `${t.entContract} ${e.source.contractId}`;
  if (e.source.kind === 'warranty') return `${t.entWarranty} ${e.source.warrantyType} (${e.source.fromSerial})`;
  return t.entNone;
}

function Machines({ customer }: { customer: CustomerOverview }) {
  const t = useMessages(customerMessages);
  const when = useFormatInstant();
  const warrantyWords = { none: t.warrantyNone, 'not-started': t.warrantyNotStarted, active: t.warrantyActive, expired: t.warrantyExpired };
  const siteName = (id: string | null) => customer.sites.find((s) => s.id === id)?.name ?? '—';
  return (
    <table className="customers-table" data-testid="customer-machines">
      <caption>{t.machines}</caption>
      <thead>
        <tr>
          {[t.serial, t.model, t.site, t.status, t.warranty, t.contractsNaming, t.entitlement].map((h) => (
            <th key={h} scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {customer.machines.length === 0 && (
          <tr>
            <td colSpan={7}>{t.none}</td>
          </tr>
        )}
        {machineRows(customer.machines).map(({ machine: m, depth }) => {
          const warranty = warrantyState(m.warranty, customer.at);
          const naming = contractsNaming(m.serialNumber, m.ancestors, customer.contracts);
          const e = m.entitlementNow;
          return (
            <tr key={m.serialNumber} data-machine={m.serialNumber}>
              <th scope="row" style={{ paddingLeft: `${0.5 + depth * 1.4}rem` }}>
                {depth > 0 && <span className="customers-hint">{t.partOf} {m.parentSerial} › </span>}
                {m.serialNumber}
              </th>
              <td>
                {m.model} <span className="customers-hint">{m.productLine}</span>
              </td>
              <td>{siteName(m.siteId)}</td>
              <td>{m.status}</td>
              <td>
                <span className={`customers-badge customers-warranty-${warranty}`}>{warrantyWords[warranty]}</span>
                {m.warranty && ` ${m.warranty.type} ${t.until} ${when(m.warranty.end)}`}
              </td>
              <td>{naming.length ? naming.map((c) => c.id).join(', ') : '—'}</td>
              <td data-testid="machine-entitlement">
                {entitlementText(t, e)}
                {e.until && ` ${t.until} ${when(e.until)}`} · <span className={e.quoteRequired ? 'customers-paid' : 'customers-covered'}>{e.quoteRequired ? t.quote : t.noQuote}</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Contracts({ customer }: { customer: CustomerOverview }) {
  const t = useMessages(customerMessages);
  const when = useFormatInstant();
  return (
    <table className="customers-table" data-testid="customer-contracts">
      <caption>{t.contracts}</caption>
      <thead>
        <tr>
          {[t.contract, t.type, t.status, t.period, t.machines, t.responseMode, t.slaPolicy, t.covers].map((h) => (
            <th key={h} scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {customer.contracts.length === 0 && (
          <tr>
            <td colSpan={8}>{t.none}</td>
          </tr>
        )}
        {customer.contracts.map((c) => (
          <tr key={c.id} data-contract={c.id}>
            <th scope="row">
              {c.id} <span className="customers-hint">{c.name}</span>
            </th>
            <td>{c.type}</td>
            <td>{c.status}</td>
            <td>
              {when(c.start)} – {when(c.end)}
            </td>
            <td>{c.coveredSerials === 'all' ? t.allMachines : c.coveredSerials.join(', ')}</td>
            <td>{c.responseMode}</td>
            <td>{c.slaPolicyId}</td>
            <td>{(['parts', 'labour', 'travel'] as const).filter((k) => c.covers[k]).map((k) => t[k]).join(', ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Requests({ caption, items, testId }: { caption: string; items: RequestRecord[]; testId: string }) {
  const t = useMessages(customerMessages);
  const when = useFormatInstant();
  return (
    <table className="customers-table" data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {[t.request, t.serial, t.status, t.symptom, t.registeredAt, t.neededBy].map((h) => (
            <th key={h} scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {items.length === 0 && (
          <tr>
            <td colSpan={6}>{t.none}</td>
          </tr>
        )}
        {items.map((r) => (
          <tr key={r.id} data-request={r.id}>
            <th scope="row">{r.id}</th>
            <td>{r.serialNumber}</td>
            <td>
              <span className="customers-badge">{r.status}</span>
            </td>
            <td>{r.symptom}</td>
            <td>{when(r.registeredAt ?? r.raisedAt)}</td>
            <td>{when(r.neededBy)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Visits({ id }: { id: string }) {
  const t = useMessages(customerMessages);
  const when = useFormatInstant();
  const visits = useProactiveVisits(id);
  const answer = visits.data;
  return (
    <section aria-labelledby="customers-visits" data-testid="customer-visits">
      <h3 id="customers-visits">{t.visits}</h3>
      {!answer && <p>{t.loading}</p>}
      {answer?.status === 404 && <p>{t.visitsNone}</p>}
      {answer && answer.status !== 200 && answer.status !== 404 && (
        <p role="alert" className="customers-error">
          {t.failed}: {answer.status} {answer.body.error?.message ?? ''}
        </p>
      )}
      {answer?.status === 200 && (
        <dl className="customers-facts">
          <dt>{t.visitsEvery}</dt>
          <dd>
            {answer.body.every ?? '—'} {answer.body.paused && `(${t.visitsPaused})`}
          </dd>
          <dt>{t.visitsNext}</dt>
          <dd>{answer.body.nextActionTimes.slice(0, 3).map((at) => when(at)).join(' · ') || '—'}</dd>
          {answer.body.note && (
            <>
              <dt>{t.visitsNote}</dt>
              <dd>{answer.body.note}</dd>
            </>
          )}
          <dt>{t.visitsPlanned}</dt>
          <dd>{answer.body.plannedRequests.map((r) => `${r.id} (${r.serialNumber}, ${r.status})`).join(' · ') || '—'}</dd>
        </dl>
      )}
    </section>
  );
}

/** One customer in one view: who and where, machines with today's entitlement, contracts, requests, visits. */
export function Customer360({ id, canWrite, canReadVisits, channel }: { id: string; canWrite: boolean; canReadVisits: boolean; channel: 'dealer' | 'phone' }) {
  const t = useMessages(customerMessages);
  const classes = useMessages(classMessages);
  const overview = useCustomer(id);
  const requests = useCustomerRequests(id);
  const answer = overview.data;
  if (!answer) return <p>{t.loading}</p>;
  if (answer.status === 404) {
    return (
      <p role="status" className="customers-notice" data-testid="customers-not-found">
        {t.notFound}
      </p>
    );
  }
  if (answer.status !== 200) {
    return (
      <p role="alert" className="customers-error">
        {t.failed}: {answer.status} {answer.body.error?.message ?? ''}
      </p>
    );
  }
  const customer = answer.body;
  const history = requests.data?.status === 200 ? { open: requests.data.body.open, past: requests.data.body.recentlyClosed } : null;
  return (
    <article className="customers-360" aria-labelledby="customers-360-title" data-testid="customer-360">
      <h2 id="customers-360-title">
        {customer.name} <span className="customers-hint">{customer.id}</span>
      </h2>
      <dl className="customers-facts">
        <dt>{t.class}</dt>
        <dd>{classes[customer.class as keyof typeof classes] ?? customer.class}</dd>
        <dt>{t.dealer}</dt>
        <dd>{customer.dealer ? `${customer.dealer.name} (${customer.dealer.id})` : '—'}</dd>
        <dt>{t.contacts}</dt>
        <dd>
          {customer.contacts.map((c) => [c.name, c.role, c.phone, c.email].filter(Boolean).join(' · ')).join('; ') || '—'}
        </dd>
      </dl>
      <table className="customers-table" data-testid="customer-sites">
        <caption>{t.sites}</caption>
        <thead>
          <tr>
            {[t.site, t.address, t.city, t.timeZone].map((h) => (
              <th key={h} scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {customer.sites.length === 0 && (
            <tr>
              <td colSpan={4}>{t.none}</td>
            </tr>
          )}
          {customer.sites.map((s) => (
            <tr key={s.id}>
              <th scope="row">
                {s.name} <span className="customers-hint">{s.id}</span>
              </th>
              <td>{s.address}</td>
              <td>{s.city}</td>
              <td>{s.timeZone}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Machines customer={customer} />
      <Contracts customer={customer} />
      {requests.data && requests.data.status !== 200 && (
        <p role="alert" className="customers-error">
          {t.failed}: {requests.data.status} {requests.data.body.error?.message ?? ''}
        </p>
      )}
      {history && (
        <>
          <Requests caption={t.openRequests} items={history.open} testId="open-requests" />
          <Requests caption={t.pastRequests} items={history.past} testId="past-requests" />
        </>
      )}
      {canReadVisits && <Visits id={customer.id} />}
      {canWrite && <MachineRegistration customer={customer} channel={channel} onMachine={overview.reload} onRequest={requests.reload} />}
    </article>
  );
}
