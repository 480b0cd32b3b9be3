import { useState, type FormEvent } from 'react';
import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { importHolidays, useCalendar, useCalendars, useCalendarVersions, useHealthWarnings } from '../api/calendars';
import { upcomingDatedDays } from '../dated-days';
import { calendarMessages } from '../messages';

/** The calendar owner's screen: which calendars exist, how far their holidays reach, their versions, and imports. */
export function CalendarsScreen() {
  const t = useMessages(calendarMessages);
  const when = useFormatInstant();
  const calendars = useCalendars();
  const health = useHealthWarnings();
  const [chosen, setChosen] = useState<string | null>(null);
  const items = calendars.data?.status === 200 ? calendars.data.body.items : [];
  const warnings = health.data?.body.warnings ?? [];
  const warningOf = (id: string) => warnings.find((w) => w.code === 'calendar-horizon-short' && w.subject === `calendars/${id}`);
  const refresh = () => {
    calendars.reload();
    health.reload();
  };

  return (
    <section aria-labelledby="calendars-title">
      <h2 id="calendars-title">{t.title}</h2>
      {calendars.data && calendars.data.status !== 200 && <p role="alert">{calendars.data.status} {calendars.data.body.error?.message}</p>}
      <table className="board" data-testid="calendars">
        <thead>
          <tr>
            <th scope="col">{t.calendar}</th>
            <th scope="col">{t.version}</th>
            <th scope="col">{t.changed}</th>
            <th scope="col">{t.by}</th>
            <th scope="col">{t.why}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id} data-calendar={c.id} aria-current={c.id === chosen ? 'true' : undefined}>
              <th scope="row">
                <button type="button" onClick={() => setChosen(c.id)}>{c.id}</button>
                {warningOf(c.id) && <p className="warning" role="alert" data-testid="horizon-warning">{warningOf(c.id)!.message}</p>}
              </th>
              <td>{c.version}</td>
              <td>{when(c.changedAt)}</td>
              <td>{c.changedBy}</td>
              <td>{c.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {chosen && <CalendarDetail key={chosen} id={chosen} newest={items.find((c) => c.id === chosen)?.version ?? null} onChanged={refresh} />}
    </section>
  );
}

function CalendarDetail({ id, newest, onChanged }: { id: string; newest: number | null; onChanged: () => void }) {
  const t = useMessages(calendarMessages);
  const when = useFormatInstant();
  const calendar = useCalendar(id);
  const versions = useCalendarVersions(id);
  const current = calendar.data?.status === 200 ? calendar.data.body : null;
  const today = new Date().toLocaleDateString('sv-SE', current?.body.timeZone ? { timeZone: current.body.timeZone } : {});
  const days = current ? upcomingDatedDays(current.body, today, 6) : [];
  const reload = () => {
    calendar.reload();
    versions.reload();
    onChanged();
  };

  return (
    <article aria-labelledby="calendar-detail-title" data-testid="calendar-detail">
      <h3 id="calendar-detail-title">{id}</h3>
      {current && (
        <p data-testid="known-through">
          {t.version} {current.version} · {current.body.kind === 'business' ? `${t.knownThrough} ${current.holidaysKnownThrough ?? '—'}` : t.alwaysOpen}
        </p>
      )}
      <h4>{t.history}</h4>
      <table className="board" data-testid="calendar-versions">
        <thead>
          <tr>
            <th scope="col">{t.version}</th>
            <th scope="col">{t.effectiveFrom}</th>
            <th scope="col">{t.by}</th>
            <th scope="col">{t.why}</th>
          </tr>
        </thead>
        <tbody>
          {(versions.data?.status === 200 ? versions.data.body.items : []).map((v) => (
            <tr key={v.version}>
              <td>{v.version}</td>
              {/* The shipped version counts since ever (the epoch). */}
              <td>{Date.parse(v.effectiveFrom) === 0 ? t.fromTheStart : when(v.effectiveFrom)}</td>
              <td>{v.changedBy}</td>
              <td>{v.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {current?.body.kind === 'business' && (
        <>
          <h4>{t.upcoming}</h4>
          {days.length === 0 ? (
            <p>{t.none}</p>
          ) : (
            <table className="board" data-testid="dated-days">
              <thead>
                <tr>
                  <th scope="col">{t.date}</th>
                  <th scope="col">{t.kind}</th>
                  <th scope="col">{t.hours}</th>
                  <th scope="col">{t.note}</th>
                </tr>
              </thead>
              <tbody>
                {days.map((d) => (
                  <tr key={d.date}>
                    <td>{d.date}</td>
                    <td>{d.kind === 'closed' ? t.closed : d.kind === 'working' ? t.working : t.shortened}</td>
                    <td>{d.hours}</td>
                    <td>{d.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {/* An import builds on the newest version, not the one in force while a later one waits for its effectiveFrom. */}
          {current && newest !== null && <HolidayImport id={id} expectedVersion={newest} onStored={reload} />}
        </>
      )}
    </article>
  );
}

function HolidayImport({ id, expectedVersion, onStored }: { id: string; expectedVersion: number; onStored: () => void }) {
  const t = useMessages(calendarMessages);
  const [file, setFile] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      const answer = await importHolidays(id, { file, reason, expectedVersion });
      if (answer.status === 201) {
        setOutcome(t.imported.replace('{version}', String(answer.body.version)).replace('{through}', answer.body.holidaysKnownThrough ?? '—'));
        setFile('');
        onStored();
      } else if (answer.status === 409) {
        setError(t.conflict);
        onStored();
      } else {
        setError(answer.body.error?.message ?? `HTTP ${answer.status}`);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="holiday-import" onSubmit={(e) => void submit(e)} aria-labelledby="holiday-import-title">
      <h4 id="holiday-import-title">{t.importTitle}</h4>
      <label>
        {t.file}
        <textarea name="file" rows={8} cols={70} required value={file} onChange={(e) => setFile(e.target.value)} aria-describedby="holiday-file-help holiday-import-error" aria-invalid={error ? true : undefined} />
      </label>
      <p id="holiday-file-help" className="help">{t.fileHelp}</p>
      <label>
        {t.reason}
        <input name="reason" required minLength={3} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>{t.submit}</button>
      <p id="holiday-import-error" role="alert" data-testid="import-error">{error ?? ''}</p>
      {outcome && <p role="status" data-testid="import-outcome">{outcome}</p>}
    </form>
  );
}
