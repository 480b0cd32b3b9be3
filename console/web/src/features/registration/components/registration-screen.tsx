import { useEffect, useState, type FormEvent } from 'react';
import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { registerRequest, sourceText, useKnownFixes, useMachine, useOpenRequests, type RequestSummary } from '../api/machine';
import { registrationMessages } from '../messages';

const serialPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{3,127}$/;

/** The serial the agent has typed, once it has stopped changing for a moment. */
function useSettled(value: string, ms = 250): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function inTwoDays(): string {
  const d = new Date(Date.now() + 2 * 86_400_000);
  d.setMinutes(0, 0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function RegistrationScreen() {
  const t = useMessages(registrationMessages);
  const when = useFormatInstant();
  const [serialText, setSerialText] = useState('');
  const [contactName, setContactName] = useState('');
  const [phone, setPhone] = useState('');
  const [symptom, setSymptom] = useState('');
  const [neededBy, setNeededBy] = useState(inTwoDays);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string; request?: RequestSummary } | null>(null);
  const [busy, setBusy] = useState(false);
  const settled = useSettled(serialText.trim());
  const serial = serialPattern.test(settled) ? settled : null;
  const machine = useMachine(serial);
  const found = machine.data?.status === 200 ? machine.data.body : null;
  const open = useOpenRequests(found ? found.serialNumber : null);
  const fixes = useKnownFixes(found?.model ?? null, useSettled(symptom, 400));
  const duplicate = open.items[0] ?? null;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!found?.customer) return;
    setBusy(true);
    registerRequest(
      { customerId: found.customer.id, contact: { name: contactName, phone }, channel: 'phone', serialNumber: found.serialNumber, symptom, neededBy: new Date(neededBy).toISOString() },
      crypto.randomUUID(),
    )
      .then(({ status, body }) => {
        if (status === 201) {
          setOutcome({ ok: true, text: `${t.registered}: ${body.id}`, request: body });
          open.reload();
        } else setOutcome({ ok: false, text: `${status} ${body.error?.field ? `${body.error.field}: ` : ''}${body.error?.message ?? ''}` });
      })
      .catch((e: unknown) => setOutcome({ ok: false, text: String(e) }))
      .finally(() => setBusy(false));
  };

  const entitlement = found?.entitlementNow;
  return (
    <section aria-labelledby="registration-title">
      <h2 id="registration-title">{t.title}</h2>
      <form onSubmit={onSubmit} className="registration">
        <label>
          {t.serial}
          <input name="serial" value={serialText} onChange={(e) => setSerialText(e.target.value)} autoComplete="off" aria-describedby="serial-hint" />
        </label>
        <p id="serial-hint" className="hint">{t.serialHint}</p>
        {serial && machine.data && machine.data.status !== 200 && (
          <p role="status" data-testid="machine-missing">{machine.data.status === 404 ? t.notFound : machine.data.body.error?.message}</p>
        )}
        {found && (
          <div className="facts" data-testid="machine-facts">
            <dl>
              <dt>{t.machine}</dt>
              <dd>{found.serialNumber} · {found.model} · {found.productLine}</dd>
              <dt>{t.customer}</dt>
              <dd>{found.customer ? `${found.customer.name} (${found.customer.id})` : '—'}</dd>
              <dt>{t.site}</dt>
              <dd>{found.site ? [found.site.name, found.site.city].filter(Boolean).join(', ') : '—'}</dd>
              <dt>{t.tree}</dt>
              <dd>
                {found.ancestors.length > 0 && <span>{t.parent}: {found.ancestors.map((a) => a.serialNumber).join(' › ')} </span>}
                {found.children.length > 0 ? <span>{t.children}: {found.children.map((c) => `${c.serialNumber} (${c.model})`).join(', ')}</span> : found.ancestors.length === 0 && '—'}
              </dd>
              <dt>{t.warranty}</dt>
              <dd>{found.warranty?.end ? `${found.warranty.type ?? ''} ${t.until} ${when(found.warranty.end)}` : t.noWarranty}</dd>
              <dt>{t.contracts}</dt>
              <dd>{found.contracts.length ? found.contracts.map((c) => `${c.id}${c.level ? ` ${c.level}` : ''}${c.end ? ` ${t.until} ${when(c.end)}` : ''}`).join('; ') : t.noContracts}</dd>
            </dl>
            {entitlement && (
              <div className={`entitlement ${entitlement.quoteRequired ? 'paid' : 'covered'}`} data-testid="entitlement">
                <h3>{t.entitlement}: {sourceText(entitlement.source)}</h3>
                <p>{entitlement.reason}</p>
                <p>{entitlement.quoteRequired ? t.quoteRequired : t.noQuote} · {entitlement.responseMode} · {entitlement.slaPolicyId}</p>
              </div>
            )}
            {found.containment && found.containment.length > 0 && (
              <div className="containment" role="alert">
                <h3>{t.containment}</h3>
                <ul>{found.containment.map((c, i) => <li key={i}>{c.instruction ?? c.eightDId}</li>)}</ul>
              </div>
            )}
            <h3>{t.openRequests}</h3>
            <ul data-testid="open-requests">{open.items.length ? open.items.map((r) => <li key={r.id}>{r.id} · {r.status} · {r.symptom}</li>) : <li>{t.none}</li>}</ul>
            {duplicate && <p className="duplicate" data-testid="duplicate">{t.duplicate} {duplicate.id}: {duplicate.symptom}</p>}
          </div>
        )}
        <label>
          {t.contactName}
          <input name="contactName" value={contactName} onChange={(e) => setContactName(e.target.value)} required />
        </label>
        <label>
          {t.phone}
          <input name="phone" type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} required />
        </label>
        <label>
          {t.symptom}
          <textarea name="symptom" rows={2} value={symptom} onChange={(e) => setSymptom(e.target.value)} required />
        </label>
        {found && (
          <div data-testid="known-fixes">
            <h3>{t.knownFixes}</h3>
            <ul>{fixes.data?.status === 200 && fixes.data.body.items.length ? fixes.data.body.items.map((k) => <li key={k.id}>{k.id}: {k.title ?? k.fix}</li>) : <li>{t.none}</li>}</ul>
          </div>
        )}
        <label>
          {t.neededBy}
          <input name="neededBy" type="datetime-local" value={neededBy} onChange={(e) => setNeededBy(e.target.value)} required />
        </label>
        <button type="submit" disabled={!found?.customer || busy}>{busy ? t.registering : t.register}</button>
        {outcome && (
          <p role="status" className={outcome.ok ? 'ok' : 'error'} data-testid="registration-outcome">
            {outcome.text}
            {outcome.request?.duplicate && ` · ${t.duplicate} ${outcome.request.duplicate.duplicateOf}`}
          </p>
        )}
      </form>
    </section>
  );
}
