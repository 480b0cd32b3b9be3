import { useState, type FormEvent } from 'react';
import { useMessages } from '../../../lib/i18n';
import { registerMachine, registerRequest, type CustomerOverview, type RequestRecord } from '../api/customers';
import { machineBody, machineDraftProblems, type DraftProblem, type MachineDraft } from '../installed-base';
import { customerMessages } from '../messages';

type Outcome = { ok: true; text: string } | { ok: false; text: string };

const failure = (status: number, body: { error?: { field?: string; message: string } }): Outcome => ({
  ok: false,
  text: `${status} ${body.error?.field ? `${body.error.field}: ` : ''}${body.error?.message ?? ''}`,
});

/** Two days from now, on the hour, as a datetime-local value in the user's zone. */
function inTwoDays(): string {
  const d = new Date(Date.now() + 2 * 86_400_000);
  d.setMinutes(0, 0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** A service request for the machine just registered, answered with its id and entitlement. */
function RequestForMachine({ customer, serial, channel, onRequest }: { customer: CustomerOverview; serial: string; channel: 'dealer' | 'phone'; onRequest: () => void }) {
  const t = useMessages(customerMessages);
  const first = customer.contacts[0];
  const [contactName, setContactName] = useState(first?.name ?? '');
  const [phone, setPhone] = useState(first?.phone ?? '');
  const [symptom, setSymptom] = useState('');
  const [neededBy, setNeededBy] = useState(inTwoDays);
  // One key per filled form: sending it again (a retry, a double click) answers the same request.
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    registerRequest({ customerId: customer.id, serialNumber: serial, channel, contact: { name: contactName, phone }, symptom, neededBy: new Date(neededBy).toISOString() }, key)
      .then(({ status, body }) => {
        if (status !== 201) return setOutcome(failure(status, body));
        const r = body as RequestRecord;
        const source = r.entitlement?.source;
        const entitled = source ? (source.kind === 'contract' ? `${t.entContract} ${source.contractId}` : source.kind === 'warranty' ? `${t.entWarranty} ${source.warrantyType}` : t.entNone) : '';
        setOutcome({ ok: true, text: `${t.requestRegistered}: ${r.id} · ${r.status}${entitled ? ` · ${t.entitlement}: ${entitled}` : ''}` });
        setKey(crypto.randomUUID());
        onRequest();
      })
      .catch((e: unknown) => setOutcome({ ok: false, text: String(e) }))
      .finally(() => setBusy(false));
  };

  return (
    <form onSubmit={onSubmit} className="customers-form" aria-labelledby="customers-request-title" data-testid="request-form">
      <h3 id="customers-request-title">
        {t.newRequest} {serial}
      </h3>
      <label>
        {t.contactName}
        <input name="requestContact" value={contactName} onChange={(e) => setContactName(e.target.value)} required />
      </label>
      <label>
        {t.phone}
        <input name="requestPhone" type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} required />
      </label>
      <label className="customers-wide">
        {t.symptom}
        <textarea name="requestSymptom" rows={2} minLength={3} value={symptom} onChange={(e) => setSymptom(e.target.value)} required />
      </label>
      <label>
        {t.neededBy}
        <input name="requestNeededBy" type="datetime-local" value={neededBy} onChange={(e) => setNeededBy(e.target.value)} required />
      </label>
      <button type="submit" className="customers-button" disabled={busy}>
        {busy ? t.registering : t.registerRequest}
      </button>
      {outcome && (
        <p role="status" className={outcome.ok ? 'customers-ok customers-wide' : 'customers-error customers-wide'} data-testid="request-outcome">
          {outcome.text}
        </p>
      )}
    </form>
  );
}

const emptyDraft = (siteId: string): MachineDraft => ({ serialNumber: '', siteId, model: '', productLine: '', installDate: '', warrantyType: 'standard', warrantyEnd: '' });

/** Register a machine for the open customer (a dealer: one it sold), then a request for it. */
export function MachineRegistration({ customer, channel, onMachine, onRequest }: { customer: CustomerOverview; channel: 'dealer' | 'phone'; onMachine: () => void; onRequest: () => void }) {
  const t = useMessages(customerMessages);
  const [draft, setDraft] = useState<MachineDraft>(() => emptyDraft(customer.sites[0]?.id ?? ''));
  const [shown, setShown] = useState<DraftProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [registered, setRegistered] = useState<string | null>(null);
  const set = (field: keyof MachineDraft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: e.target.value }));
  const invalid = (field: DraftProblem) => (shown.includes(field) ? { 'aria-invalid': true as const, 'aria-describedby': `customers-fix-${field}` } : {});
  const hint = (field: DraftProblem) =>
    shown.includes(field) && (
      <span id={`customers-fix-${field}`} className="customers-error">
        {t.fix}
      </span>
    );

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const problems = machineDraftProblems(draft);
    setShown(problems);
    if (problems.length) return;
    setBusy(true);
    registerMachine(machineBody(draft, customer.id))
      .then(({ status, body }) => {
        if (status !== 201) return setOutcome(failure(status, body));
        setOutcome({ ok: true, text: `${t.machineRegistered}: ${body.serialNumber}` });
        setRegistered(body.serialNumber);
        setDraft(emptyDraft(draft.siteId));
        onMachine();
      })
      .catch((e: unknown) => setOutcome({ ok: false, text: String(e) }))
      .finally(() => setBusy(false));
  };

  return (
    <>
      <form onSubmit={onSubmit} className="customers-form" aria-labelledby="customers-machine-title" data-testid="machine-form" noValidate>
        <h3 id="customers-machine-title">{t.newMachine}</h3>
        <label>
          {t.serial}
          <input name="machineSerial" value={draft.serialNumber} onChange={set('serialNumber')} required {...invalid('serialNumber')} />
          {hint('serialNumber')}
        </label>
        <label>
          {t.site}
          <select name="machineSite" value={draft.siteId} onChange={set('siteId')}>
            {customer.sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.city})
              </option>
            ))}
            <option value="">{t.siteNone}</option>
          </select>
        </label>
        <label>
          {t.model}
          <input name="machineModel" value={draft.model} onChange={set('model')} required {...invalid('model')} />
          {hint('model')}
        </label>
        <label>
          {t.productLine}
          <input name="machineProductLine" value={draft.productLine} onChange={set('productLine')} required {...invalid('productLine')} />
          {hint('productLine')}
        </label>
        <label>
          {t.installDate}
          <input name="machineInstalled" type="date" value={draft.installDate} onChange={set('installDate')} />
        </label>
        <label>
          {t.warrantyType}
          <input name="machineWarrantyType" value={draft.warrantyType} onChange={set('warrantyType')} />
        </label>
        <label>
          {t.warrantyEnd}
          <input name="machineWarrantyEnd" type="date" value={draft.warrantyEnd} onChange={set('warrantyEnd')} {...invalid('warrantyEnd')} />
          {hint('warrantyEnd')}
        </label>
        <button type="submit" className="customers-button" disabled={busy}>
          {busy ? t.registering : t.registerMachine}
        </button>
        {outcome && (
          <p role="status" className={outcome.ok ? 'customers-ok customers-wide' : 'customers-error customers-wide'} data-testid="machine-outcome">
            {outcome.text}
          </p>
        )}
      </form>
      {registered && <RequestForMachine key={registered} customer={customer} serial={registered} channel={channel} onRequest={onRequest} />}
    </>
  );
}
