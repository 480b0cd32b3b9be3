import { useEffect, useMemo, useState } from 'react';
import { useFormatInstant, useLang } from '../../../lib/i18n';
import { lastWindowStart, Pager, useWindowStart } from '../../../lib/pager';
import { useSchedules, type Engineer } from '../api/engineers';
import type { DeskMessages } from '../messages';
import { hourTicks, layoutDays, localDays, scheduleBlocks, type PlacedBlock } from '../timeline';

/** Lanes shown at once. */
const lanesPerPage = 25;

interface Props {
  t: DeskMessages;
  engineers: Engineer[];
  /** Bumped by the desk after an assignment or re-plan: the schedules are read again. */
  version: number;
  /** The work order the dispatcher is looking at: its blocks stand out. */
  highlight: string | null;
}

/** The local day changes at midnight; read once a minute so the columns move on by themselves. */
function useToday(): string {
  const [today, setToday] = useState(() => new Date().toDateString());
  useEffect(() => {
    const timer = setInterval(() => setToday(new Date().toDateString()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return today;
}

function BlockItem({ t, block, highlight, when }: { t: DeskMessages; block: PlacedBlock; highlight: string | null; when: (iso: string) => string }) {
  const label = { travel: t.legendTravel, work: t.legendWork, absence: t.legendAbsence, off: t.legendOff }[block.kind];
  const span = `${when(new Date(block.start).toISOString())} – ${when(new Date(block.end).toISOString())}`;
  const text = `${label}: ${block.ref}`;
  const classes = ['dispatch-desk-block', `dispatch-desk-block-${block.kind}`, block.ref === highlight && highlight ? 'dispatch-desk-block-chosen' : '', block.continuesBefore ? 'dispatch-desk-block-cut-before' : '', block.continuesAfter ? 'dispatch-desk-block-cut-after' : ''];
  return (
    <li
      className={classes.filter(Boolean).join(' ')}
      style={{ left: `${block.leftPct}%`, width: `${block.widthPct}%` }}
      title={`${text} (${span})`}
      data-kind={block.kind}
      {...(block.kind === 'work' || block.kind === 'travel' ? { 'data-work-order': block.ref } : {})}
    >
      <span className="dispatch-desk-hidden">{text}, {span}</span>
      {block.kind === 'work' && <span aria-hidden="true" className="dispatch-desk-block-text">{block.ref}</span>}
    </li>
  );
}

/** Each engineer's next days side by side: time off duty shaded, absences, and each booking's travel and work. */
export function EngineerTimeline({ t, engineers, version, highlight }: Props) {
  const when = useFormatInstant();
  const { lang } = useLang();
  const today = useToday();
  const [dayCount, setDayCount] = useState(5);
  const [productLine, setProductLine] = useState('');
  const [territory, setTerritory] = useState('');
  const { offset, setOffset, choose } = useWindowStart();
  const days = useMemo(() => localDays(new Date(today), dayCount), [today, dayCount]);
  const ticks = useMemo(() => days.map((d) => hourTicks(d, [6, 12, 18])), [days]);
  const lines = [...new Set(engineers.flatMap((e) => e.skills.map((s) => s.productLine)))].sort();
  const territories = [...new Set(engineers.flatMap((e) => e.territories))].sort();
  const matching = engineers.filter((e) => e.active && (!productLine || e.skills.some((s) => s.productLine === productLine)) && (!territory || e.territories.includes(territory)));
  // A page of lanes at a time: each lane reads its engineer's schedule every 30 s, so a desk of a
  // thousand engineers reads the page it shows, not every one.
  const from = Math.min(offset, lastWindowStart(matching.length, lanesPerPage));
  const shown = matching.slice(from, from + lanesPerPage);
  const schedules = useSchedules(shown.map((e) => e.id), days[0]!.start, days[days.length - 1]!.end, version);
  const dayName = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { weekday: 'short', day: 'numeric', month: 'short' });
  const now = Date.now();

  return (
    <section className="dispatch-desk-panel" aria-labelledby="dispatch-desk-timeline-title" data-testid="timeline">
      <h3 id="dispatch-desk-timeline-title">{t.timeline}</h3>
      <div className="dispatch-desk-filters">
        <label>
          {t.daysShown}
          <select name="days" value={dayCount} onChange={(e) => setDayCount(Number(e.target.value))}>
            {[3, 5, 7, 14].map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        <label>
          {t.productLine}
          <select name="productLine" value={productLine} onChange={choose(setProductLine)}>
            <option value="">{t.allLines}</option>
            {lines.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </label>
        <label>
          {t.territory}
          <select name="territory" value={territory} onChange={choose(setTerritory)}>
            <option value="">{t.allTerritories}</option>
            {territories.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        {matching.length > lanesPerPage && (
          <Pager className="dispatch-desk-pager" testId="timeline-window" from={from} shown={shown.length} total={matching.length} pageSize={lanesPerPage} onMove={setOffset} messages={t} />
        )}
        <ul className="dispatch-desk-legend" aria-label={t.legend}>
          <li><span className="dispatch-desk-swatch dispatch-desk-block-travel" aria-hidden="true" />{t.legendTravel}</li>
          <li><span className="dispatch-desk-swatch dispatch-desk-block-work" aria-hidden="true" />{t.legendWork}</li>
          <li><span className="dispatch-desk-swatch dispatch-desk-block-absence" aria-hidden="true" />{t.legendAbsence}</li>
          <li><span className="dispatch-desk-swatch dispatch-desk-block-off" aria-hidden="true" />{t.legendOff}</li>
        </ul>
      </div>
      {schedules.failed.length > 0 && <p role="alert" className="dispatch-desk-error">{t.scheduleFailed} {schedules.failed.join(', ')}</p>}
      {shown.length === 0 ? (
        <p>{t.noEngineers}</p>
      ) : (
        <div className="dispatch-desk-scroll">
          <table className="dispatch-desk-timeline" aria-busy={schedules.state === 'loading'}>
            <thead>
              <tr>
                <th scope="col">{t.engineer}</th>
                {days.map((d, i) => (
                  <th scope="col" key={d.start}>
                    {dayName.format(new Date(d.start))}
                    <div className="dispatch-desk-hours" aria-hidden="true">
                      {ticks[i]!.map((tick) => <span key={tick.hour} style={{ left: `${tick.leftPct}%` }}>{String(tick.hour).padStart(2, '0')}</span>)}
                    </div>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => {
                const schedule = schedules.byEngineer.get(e.id);
                const laid = schedule ? layoutDays(days, scheduleBlocks(schedule)) : days.map(() => []);
                return (
                  <tr key={e.id} data-engineer={e.id}>
                    <th scope="row">
                      {e.name}
                      <div className="dispatch-desk-note">{e.id} · {e.homeBase.city} · {t.calendar} {e.calendarId}</div>
                    </th>
                    {laid.map((blocks, i) => {
                      const day = days[i]!;
                      const nowPct = now >= day.start && now < day.end ? ((now - day.start) / (day.end - day.start)) * 100 : null;
                      return (
                        <td key={day.start} className="dispatch-desk-day">
                          <div className="dispatch-desk-lane">
                            {ticks[i]!.map((tick) => <div key={tick.hour} className="dispatch-desk-tick" style={{ left: `${tick.leftPct}%` }} aria-hidden="true" />)}
                            {blocks.filter((b) => b.kind === 'off').map((b) => <div key={`off-${b.start}`} className="dispatch-desk-block dispatch-desk-block-off" style={{ left: `${b.leftPct}%`, width: `${b.widthPct}%` }} aria-hidden="true" />)}
                            <ul>
                              {blocks.filter((b) => b.kind !== 'off').map((b) => <BlockItem key={`${b.kind}-${b.ref}-${b.start}`} t={t} block={b} highlight={highlight} when={when} />)}
                            </ul>
                            {nowPct !== null && <div className="dispatch-desk-now" style={{ left: `${nowPct}%` }} title={t.now} aria-hidden="true" />}
                          </div>
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
