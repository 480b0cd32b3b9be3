import { useEffect, useState } from 'react';
import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { lastWindowStart, Pager, useWindowStart } from '../../../lib/pager';
import { boardPageSize, useBoard } from '../api/board';
import { clockShown } from '../clock';
import { boardMessages } from '../messages';

function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function Board() {
  const t = useMessages(boardMessages);
  const when = useFormatInstant();
  const [tier, setTier] = useState('');
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  const [productLine, setProductLine] = useState('');
  const [city, setCity] = useState('');
  const { offset, setOffset, choose } = useWindowStart();
  const board = useBoard({ tier, status, productLine, city, q: search }, offset);
  const now = useNow();
  const page = board.data?.status === 200 ? board.data.body : null;
  const items = page?.items ?? [];
  // The choices are what the board has shown so far, so a filter never hides its own options.
  const [seen, setSeen] = useState<{ productLines: string[]; cities: string[] }>({ productLines: [], cities: [] });
  useEffect(() => {
    setSeen((before) => {
      const add = (list: string[], values: (string | null)[]) => [...new Set([...list, ...values.filter((v): v is string => Boolean(v))])].sort();
      const next = { productLines: add(before.productLines, items.map((i) => i.productLine)), cities: add(before.cities, items.map((i) => i.city)) };
      return next.productLines.length === before.productLines.length && next.cities.length === before.cities.length ? before : next;
    });
  }, [items]);
  // Requests closed meanwhile may leave the window past the view's end: back to its last window.
  const total = page?.total ?? 0;
  useEffect(() => {
    if (page && offset > 0 && offset >= total) setOffset(lastWindowStart(total, boardPageSize));
  }, [page, offset, total]);

  return (
    <section aria-labelledby="board-title">
      <h2 id="board-title">{t.title}</h2>
      <div className="filters" role="search">
        <label>
          {t.tier}
          <select name="tier" value={tier} onChange={choose(setTier)}>
            <option value="">{t.all}</option>
            {['P1', 'P2', 'P3', 'P4'].map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
        <label>
          {t.status}
          <select name="clockStatus" value={status} onChange={choose(setStatus)}>
            <option value="">{t.all}</option>
            {(['breached', 'warning', 'on-track'] as const).map((s) => <option key={s} value={s}>{t[s]}</option>)}
          </select>
        </label>
        <label>
          {t.productLine}
          <select name="productLine" value={productLine} onChange={choose(setProductLine)}>
            <option value="">{t.all}</option>
            {seen.productLines.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
        <label>
          {t.city}
          <select name="city" value={city} onChange={choose(setCity)}>
            <option value="">{t.all}</option>
            {seen.cities.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label>
          {t.search}
          <input name="search" value={search} onChange={choose(setSearch)} />
        </label>
      </div>
      {board.data && board.data.status !== 200 && <p role="alert">{board.data.status} {board.data.body.error?.message}</p>}
      {page && (
        <Pager className="board-window" testId="board-window" from={offset} shown={items.length} total={page.total} pageSize={boardPageSize} onMove={setOffset} messages={t}>
          {(['breached', 'warning', 'on-track'] as const).map((s) => (
            <span key={s} className={`badge ${s}`} data-status={s}>
              {t[s]} {page.byStatus[s]}
            </span>
          ))}
        </Pager>
      )}
      <table className="board" data-testid="sla-board">
        <thead>
          <tr>
            <th scope="col">{t.request}</th>
            <th scope="col">{t.tier}</th>
            <th scope="col">{t.machine}</th>
            <th scope="col">{t.state}</th>
            <th scope="col">{t.clock}</th>
            <th scope="col">{t.due}</th>
            <th scope="col">{t.left}</th>
            <th scope="col">{t.owner}</th>
            <th scope="col">{t.escalation}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => {
            const clock = clockShown(item.clock, now);
            return (
              <tr key={item.id} data-request={item.id} className={`clock-${clock.status}`}>
                <th scope="row">{item.id}</th>
                <td>{item.tier ?? '—'}</td>
                <td>{item.serialNumber} · {item.customerId}{item.productLine ? ` · ${item.productLine}` : ''}{item.city ? ` · ${item.city}` : ''}</td>
                <td>{item.status}</td>
                <td>{item.clock.name}</td>
                <td>{when(item.clock.dueAt)}</td>
                <td data-testid="clock">
                  <span className={`badge ${clock.status}`}>{t[clock.status]}</span> <time dateTime={item.clock.dueAt}>{clock.remaining}{clock.overdue ? ` ${t.over}` : ''}</time>
                </td>
                <td>{item.owner ?? '—'}</td>
                <td>{item.lastEscalation ? `#${item.lastEscalation.step} ${item.lastEscalation.action}` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {board.data?.status === 200 && items.length === 0 && <p>{t.empty}</p>}
    </section>
  );
}
