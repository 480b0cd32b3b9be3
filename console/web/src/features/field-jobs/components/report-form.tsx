import { useState, type FormEvent, type ReactNode } from 'react';
import { useMessages } from '../../../lib/i18n';
import { sendReport, type JobView } from '../api/jobs';
import { fieldJobsMessages } from '../messages';
import { errorSlot, failureCategories, reportBody, reportDefaults, reportSlots, type PartUsedRow, type ReportForm as Form } from '../report';

type TextField = 'startedAt' | 'finishedAt' | 'effortMinutes' | 'travelMinutes' | 'cause' | 'fix' | 'workDone' | 'signOffName';

/** The report that completes the job: times, work done, parts used, outcome; dispatch's errors beside their fields. */
export function ReportForm({ job, reserved, onReported }: { job: JobView; reserved: { partNumber: string; quantity: number }[]; onReported: () => void }) {
  const t = useMessages(fieldJobsMessages);
  const [form, setForm] = useState<Form>(() => reportDefaults(job.steps, reserved, new Date()));
  // Reservations may arrive after the form opened: take them while nothing was typed into the parts.
  const [partsTouched, setPartsTouched] = useState(false);
  const [error, setError] = useState<{ slot: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const parts = partsTouched || form.partsUsed.length > 0 ? form.partsUsed : reserved.map((p) => ({ partNumber: p.partNumber, quantity: String(p.quantity), removedSerial: '' }));

  const set = (field: TextField) => (value: string) => setForm((f) => ({ ...f, [field]: value }));
  const setPart = (i: number, change: Partial<PartUsedRow>) => {
    setPartsTouched(true);
    setForm((f) => ({ ...f, partsUsed: parts.map((p, j) => (j === i ? { ...p, ...change } : p)) }));
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const filled = { ...form, partsUsed: parts };
    setBusy(true);
    setError(null);
    sendReport(job.id, reportBody(filled, new Date()))
      .then(({ status, body }) => {
        if (status === 200) onReported();
        else setError({ slot: errorSlot(body.error?.field, reportSlots(filled)), text: `${body.error?.message ?? status}` });
      })
      .catch((e: unknown) => setError({ slot: 'form', text: String(e) }))
      .finally(() => setBusy(false));
  };
  const errorAt = (slot: string) =>
    error?.slot === slot ? (
      <span className="field-jobs-field-error" role="alert" data-testid={`error-${slot}`} id={`field-jobs-error-${slot.replace(/\./g, '-')}`}>
        {error.text}
      </span>
    ) : null;
  const described = (slot: string) => (error?.slot === slot ? { 'aria-invalid': true, 'aria-describedby': `field-jobs-error-${slot.replace(/\./g, '-')}` } : {});
  const text = (field: TextField, slot: string, label: string, input: (props: { name: string; value: string; onChange: (e: { target: { value: string } }) => void }) => ReactNode) => (
    <label>
      {label}
      {input({ name: field, value: form[field], onChange: (e) => set(field)(e.target.value), ...described(slot) })}
      {errorAt(slot)}
    </label>
  );

  return (
    <form className="field-jobs-block field-jobs-report" onSubmit={onSubmit} aria-labelledby="field-jobs-report-title" data-testid="report">
      <h2 id="field-jobs-report-title">{t.report}</h2>
      {errorAt('form')}
      {text('startedAt', 'startedAt', t.startedAt, (p) => <input type="datetime-local" {...p} />)}
      {text('finishedAt', 'finishedAt', t.finishedAt, (p) => <input type="datetime-local" {...p} />)}
      {text('effortMinutes', 'effortMinutes', t.effortMinutes, (p) => <input inputMode="numeric" {...p} />)}
      {text('travelMinutes', 'travelMinutes', t.travelMinutes, (p) => <input inputMode="numeric" {...p} />)}
      {text('cause', 'cause', t.cause, (p) => <textarea rows={2} {...p} />)}
      {text('fix', 'fix', t.fix, (p) => <textarea rows={2} {...p} />)}
      {text('workDone', 'workDone', t.workDone, (p) => <textarea rows={3} {...p} />)}
      <fieldset className="field-jobs-parts-used">
        <legend>{t.partsUsed}</legend>
        {errorAt('partsUsed')}
        {parts.map((p, i) => (
          <div key={i} className="field-jobs-part-row" data-testid={`part-used-${i}`}>
            <label>
              {t.partNumber} {i + 1}
              <input name={`partsUsed.${i}.partNumber`} value={p.partNumber} onChange={(e) => setPart(i, { partNumber: e.target.value })} {...described(`partsUsed.${i}.partNumber`)} />
              {errorAt(`partsUsed.${i}.partNumber`)}
            </label>
            <label>
              {t.quantity}
              <input name={`partsUsed.${i}.quantity`} inputMode="numeric" value={p.quantity} onChange={(e) => setPart(i, { quantity: e.target.value })} {...described(`partsUsed.${i}.quantity`)} />
              {errorAt(`partsUsed.${i}.quantity`)}
            </label>
            <label>
              {t.removedSerial}
              <input name={`partsUsed.${i}.removedSerial`} value={p.removedSerial} onChange={(e) => setPart(i, { removedSerial: e.target.value })} {...described(`partsUsed.${i}.removedSerial`)} />
              {errorAt(`partsUsed.${i}.removedSerial`)}
            </label>
            {errorAt(`partsUsed.${i}`)}
            <button type="button" className="field-jobs-secondary" onClick={() => { setPartsTouched(true); setForm((f) => ({ ...f, partsUsed: parts.filter((_, j) => j !== i) })); }}>
              {t.removePart} {i + 1}
            </button>
          </div>
        ))}
        <button type="button" className="field-jobs-secondary" onClick={() => { setPartsTouched(true); setForm((f) => ({ ...f, partsUsed: [...parts, { partNumber: '', quantity: '1', removedSerial: '' }] })); }}>
          {t.addPart}
        </button>
      </fieldset>
      <fieldset className="field-jobs-outcome">
        <legend>{t.outcome}</legend>
        <label className="field-jobs-choice">
          <input type="radio" name="firstTimeFix" checked={form.firstTimeFix} onChange={() => setForm((f) => ({ ...f, firstTimeFix: true }))} />
          {t.fixedFirstTime}
        </label>
        <label className="field-jobs-choice">
          <input type="radio" name="firstTimeFix" checked={!form.firstTimeFix} onChange={() => setForm((f) => ({ ...f, firstTimeFix: false }))} />
          {t.notFixedFirstTime}
        </label>
        {errorAt('firstTimeFix')}
      </fieldset>
      <label>
        {t.failureCategory}
        <select name="failureCategory" value={form.failureCategory} onChange={(e) => setForm((f) => ({ ...f, failureCategory: e.target.value }))} {...described('failureCategory')}>
          <option value="">{t.notDecided}</option>
          {failureCategories.map((c) => <option key={c} value={c}>{t[`category:${c}`]}</option>)}
        </select>
        {errorAt('failureCategory')}
      </label>
      {text('signOffName', 'customerSignOff', t.signOff, (p) => <input autoComplete="name" {...p} />)}
      <button type="submit" className="field-jobs-primary" disabled={busy}>{busy ? t.sending : t.sendReport}</button>
    </form>
  );
}
