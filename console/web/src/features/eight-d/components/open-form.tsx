import { useState, type FormEvent } from 'react';
import { fill, useMessages } from '../../../lib/i18n';
import { openEightD, refusalText } from '../api/eight-ds';
import { eightDMessages } from '../messages';

const ids = (text: string) => text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);

/** A quality engineer opens an 8D by hand for a problem no recurrence rule caught (an escalation, an audit). */
export function OpenForm({ onOpened }: { onOpened: (id: string) => void }) {
  const t = useMessages(eightDMessages);
  const [v, setV] = useState({ productLine: '', model: '', failureMode: '', reason: '', requestIds: '', partNumbers: '', supplierClaimIds: '', linkedTo: '' });
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const set = (key: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [key]: e.target.value });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setOutcome(null);
    openEightD({
      problem: { productLine: v.productLine.trim(), model: v.model.trim(), failureMode: v.failureMode.trim() },
      reason: v.reason.trim(),
      concerns: { requestIds: ids(v.requestIds), partNumbers: ids(v.partNumbers), supplierClaimIds: ids(v.supplierClaimIds) },
      linkedTo: v.linkedTo.trim() || null,
    })
      .then((answer) => {
        if (answer.status === 201) {
          setOutcome({ ok: true, text: fill(t.openedOk, { id: answer.body.id }) });
          onOpened(answer.body.id);
        } else setOutcome({ ok: false, text: `${t.refused}: ${refusalText(answer)}` });
      })
      .catch((e: unknown) => setOutcome({ ok: false, text: String(e) }))
      .finally(() => setBusy(false));
  };

  const text = (key: keyof typeof v, label: string, required = false) => (
    <label>
      {label}
      <input name={key} value={v[key]} onChange={set(key)} required={required} />
    </label>
  );
  const list = (key: keyof typeof v, label: string) => (
    <label>
      {label}
      <textarea name={key} rows={2} value={v[key]} onChange={set(key)} aria-describedby="eight-d-open-hint" />
    </label>
  );
  return (
    <form className="eight-d-open" onSubmit={onSubmit} aria-labelledby="eight-d-open-title">
      <h2 id="eight-d-open-title">{t.openTitle}</h2>
      {text('productLine', t.productLine, true)}
      {text('model', t.model, true)}
      {text('failureMode', t.failureMode, true)}
      <label>
        {t.reason}
        <textarea name="reason" rows={3} value={v.reason} onChange={set('reason')} required />
      </label>
      <p id="eight-d-open-hint" className="eight-d-hint">{t.listHint}</p>
      {list('requestIds', t.requestIds)}
      {list('partNumbers', t.partNumbers)}
      {list('supplierClaimIds', t.supplierClaimIds)}
      {text('linkedTo', t.linkedTo)}
      <button type="submit" disabled={busy}>{t.open}</button>
      {outcome && <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'eight-d-ok' : 'eight-d-error'} data-testid="eight-d-open-outcome">{outcome.text}</p>}
    </form>
  );
}
