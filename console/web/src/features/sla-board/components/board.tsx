import { useEffect, useState } from 'react';
import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { useBoard } from '../api/board';
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
  const board = useBoard({ tier, status, productLine, city });
  const now = useNow();
  const items = board.data?.status === 200 ? board.data.body.items : [];
  const needle = search.trim().toLowerCase();
  // The choices are what the board has shown so far, so a filter never hides its own options.
  const [seen, setSeen] = useState<{ productLines: string[]; cities: string[] }>({ productLines: [], cities: [] });
  useEffect(() => {
    setSeen((before) => {
      const add = (list: string[], values: (string | null)[]) => [...new Set([...list, ...values.filter((v): v is string => Boolean(v))])].sort();
      const next = { productLines: add(before.productLines, items.map((i) => i.productLine)), cities: add(before.cities, items.map((i) => i.city)) };
      return next.productLines.length === before.productLines.length && next.cities.length === before.cities.length ? before : next;
    });
  }, [items]);
  const shown = needle ? items.filter((i) => [i.id, i.customerId, i.serialNumber].some((v) => v.toLowerCase().includes(needle))) : items;

  return (
    <section aria-labelledby="board-title">
      <h2 id="board-title">{t.title}</h2>
      <div className="filters" role="search">
        <label>
          {t.tier}
          <select name="tier" value={tier} onChange={(e) => setTier(e.target.value)}>
            <option value="">{t.all}</option>
            {['P1', 'P2', 'P3', 'P4'].map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
        <label>
          {t.status}
          <select name="clockStatus" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t.all}</option>
            {(['breached', 'warning', 'on-track'] as const).map((s) => <option key={s} value={s}>{t[s]}</option>)}
          </select>
        </label>
        <label>
          {t.productLine}
          <select name="productLine" value={productLine} onChange={(e) => setProductLine(e.target.value)}>
            <option value="">{t.all}</option>
            {seen.productLines.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
        <label>
          {t.city}
          <select name="city" value={city} onChange={(e) => setCity(e.target.value)}>
            <option value="">{t.all}</option>
            {seen.cities.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label>
          {t.search}
          <input name="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
      </div>
      {board.data && board.data.status !== 200 && <p role="alert">{board.data.status} {board.data.body.error?.message}</p>}
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
          {shown.map((item) => {
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
      {board.data?.status === 200 && shown.length === 0 && <p>{t.empty}</p>}
    </section>
  );
}
