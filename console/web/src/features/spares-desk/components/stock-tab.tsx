import { useMemo, useState } from 'react';
import { useMessages } from '../../../lib/i18n';
import { useParts, useStock } from '../api/spares';
import { stockByLocation } from '../desk';
import { sparesMessages } from '../messages';

function savedThreshold(): number {
  const raw = localStorage.getItem('spares-desk.low');
  const saved = raw === null ? Number.NaN : Number(raw);
  return Number.isInteger(saved) && saved >= 0 ? saved : 5;
}

/** On hand, reserved and available per part at each location, with the desk's low-stock marks. */
export function StockTab() {
  const t = useMessages(sparesMessages);
  const stock = useStock();
  const [low, setLow] = useState(savedThreshold);
  const [filter, setFilter] = useState('');
  const partNumbers = useMemo(() => [...new Set(stock.levels.map((l) => l.partNumber))].sort(), [stock.levels]);
  const parts = useParts(partNumbers);
  const needle = filter.trim().toUpperCase();
  const grouped = stockByLocation(needle ? stock.levels.filter((l) => l.partNumber.toUpperCase().includes(needle)) : stock.levels, stock.locations, low);

  const onLow = (value: string) => {
    const n = Math.max(0, Math.floor(Number(value) || 0));
    setLow(n);
    localStorage.setItem('spares-desk.low', String(n));
  };

  return (
    <div className="spares-desk-stock">
      <h3>{t.stockTitle}</h3>
      <div className="spares-desk-filters">
        <label>
          {t.lowThreshold}
          <input name="lowThreshold" type="number" min={0} max={100000} value={low} onChange={(e) => onLow(e.target.value)} aria-describedby="spares-desk-low-hint" />
        </label>
        <label>
          {t.filterPart}
          <input name="partFilter" value={filter} onChange={(e) => setFilter(e.target.value)} autoComplete="off" />
        </label>
      </div>
      <p id="spares-desk-low-hint" className="spares-desk-hint">{t.lowHint}</p>
      {stock.error && <p role="alert" className="spares-desk-error">{t.readFailed}: {stock.error}</p>}
      {!stock.loaded && <p>{t.loading}</p>}
      {grouped.map(({ location, levels, totals, lowCount }) => (
        <section key={location.id} aria-labelledby={`spares-desk-loc-${location.id}`} className="spares-desk-location" data-location={location.id}>
          <h4 id={`spares-desk-loc-${location.id}`}>
            {location.name} <span className="spares-desk-muted">({location.id} · {t[location.kind]}{location.engineerId ? ` · ${location.engineerId}` : ''})</span>
            {lowCount > 0 && <span className="spares-desk-badge spares-desk-low"> {lowCount} {t.lowCount}</span>}
          </h4>
          {levels.length === 0 ? (
            <p>{t.nothingStocked}</p>
          ) : (
            <table className="spares-desk-table" data-testid="stock-table">
              <thead>
                <tr>
                  <th scope="col">{t.part}</th>
                  <th scope="col">{t.description}</th>
                  <th scope="col" className="spares-desk-num">{t.onHand}</th>
                  <th scope="col" className="spares-desk-num">{t.reserved}</th>
                  <th scope="col" className="spares-desk-num">{t.available}</th>
                  <th scope="col" className="spares-desk-num">{t.inTransit}</th>
                  <th scope="col">{t.mark}</th>
                </tr>
              </thead>
              <tbody>
                {levels.map((l) => {
                  const part = parts.get(l.partNumber);
                  return (
                    <tr key={l.partNumber} data-part={l.partNumber} className={`spares-desk-row-${l.mark}`}>
                      <th scope="row">{l.partNumber}</th>
                      <td>{typeof part === 'object' ? part.description : t.none}</td>
                      <td className="spares-desk-num" data-testid="on-hand">{l.onHand}</td>
                      <td className="spares-desk-num" data-testid="reserved">{l.reserved}</td>
                      <td className="spares-desk-num" data-testid="available">{l.available}</td>
                      <td className="spares-desk-num">{l.inTransit}</td>
                      <td data-testid="stock-mark">{l.mark !== 'ok' ? <span className={`spares-desk-badge spares-desk-${l.mark}`}>{t[l.mark]}</span> : t.ok}</td>
                    </tr>
                  );
                })}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>{t.total}</th>
                  <td className="spares-desk-num">{totals.onHand}</td>
                  <td className="spares-desk-num">{totals.reserved}</td>
                  <td className="spares-desk-num">{totals.available}</td>
                  <td className="spares-desk-num">{totals.inTransit}</td>
                  <td />
                </tr>
              </tfoot>
            </table>
          )}
        </section>
      ))}
    </div>
  );
}
