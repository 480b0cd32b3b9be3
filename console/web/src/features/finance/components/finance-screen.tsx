import { useMemo, useState } from 'react';
import type { ScreenProps } from '../../../app/screen-props';
import { fill, useLang, useMessages } from '../../../lib/i18n';
import { useCostAllocation, useCostCurrency } from '../api/who-pays';
import { financeMessages } from '../messages';
import { COST_CENTRES, currentMonth, formatMoney, isMonth, monthLabel, monthRange, monthRowsFrom, monthsEndingAt, shiftMonth, type MonthRow, type Scope } from '../who-pays';
import { CellCases } from './cell-cases';
import { CostRules } from './cost-rules';
import '../finance.css';

/** How many months the overview shows, ending with the chosen one. */
const MONTHS_SHOWN = 6;

/**
 * Finance's who-pays screen: per month and cost centre what the factory, the sales centre and the
 * customer pay, from spares' cost allocation; an amount opens its cases, a case its lines with the
 * reason each was charged so. Read-only: finance, managers and auditors.
 */
export function FinanceScreen(_props: ScreenProps) {
  const t = useMessages(financeMessages);
  const locale = useLang().lang === 'zh' ? 'zh-CN' : 'en-GB';
  const [today] = useState(() => currentMonth(Date.now()));
  const [month, setMonth] = useState(today);
  const [picked, setPicked] = useState<{ month: string; scope: Scope } | null>(null);
  const cell = picked ?? { month, scope: 'all' as const };

  const months = useMemo(() => monthsEndingAt(month, MONTHS_SHOWN), [month]);
  const range = useMemo(() => ({ from: monthRange(months[0]!).from, to: monthRange(month).to }), [months, month]);
  const allocation = useCostAllocation(range);
  const currency = useCostCurrency();
  const answer = allocation.data?.status === 200 ? allocation.data.body : null;
  // Spares' totals count every entry of the six months; the entries it lists stop at its page limit.
  const rows = useMemo(() => (answer ? monthRowsFrom(answer.totals, answer.months, months) : []), [answer, months]);
  const money = (cents: number) => formatMoney(cents, currency, locale);

  const choose = (next: string) => {
    if (!isMonth(next)) return;
    setMonth(next);
    setPicked(null);
  };

  return (
    <section className="finance" aria-labelledby="finance-title">
      <h2 id="finance-title">{t.title}</h2>
      <p className="finance-intro">{t.intro}</p>
      <div className="finance-controls">
        <button type="button" className="finance-step" onClick={() => choose(shiftMonth(month, -1))}>
          ← {t.previous}
        </button>
        <label className="finance-month">
          {t.month}
          <input type="month" name="month" value={month} required onChange={(e) => choose(e.target.value)} />
        </label>
        <button type="button" className="finance-step" onClick={() => choose(shiftMonth(month, 1))}>
          {t.next} →
        </button>
        <button type="button" className="finance-step" disabled={month === today} onClick={() => choose(today)}>
          {t.thisMonth}
        </button>
        <p className="finance-currency" data-testid="finance-currency">
          {t.currency}: <strong>{currency ?? t.noCurrency}</strong>
        </p>
      </div>

      {allocation.data && allocation.data.status !== 200 && (
        <p role="alert" className="finance-error">
          {t.failed}: {allocation.data.status} {allocation.data.body.error?.message}
        </p>
      )}
      {!answer && allocation.loading && <p aria-live="polite">{t.loading}</p>}
      {answer && <MonthTable rows={rows} chosen={month} cell={cell} onPick={setPicked} money={money} locale={locale} />}
      <CellCases key={`${cell.month}|${cell.scope}`} month={cell.month} scope={cell.scope} money={money} />
      <CostRules month={month} />
    </section>
  );
}

interface MonthTableProps {
  rows: MonthRow[];
  chosen: string;
  cell: { month: string; scope: Scope };
  onPick: (cell: { month: string; scope: Scope }) => void;
  money: (cents: number) => string;
  locale: string;
}

function MonthTable({ rows, chosen, cell, onPick, money, locale }: MonthTableProps) {
  const t = useMessages(financeMessages);
  const hints = { factory: t.factoryHint, 'sales-centre': t.salesHint, customer: t.customerHint };
  const scopes: Scope[] = [...COST_CENTRES, 'all'];
  return (
    <table className="finance-table finance-months" data-testid="finance-months">
      <caption>{t.overviewCaption}</caption>
      <thead>
        <tr>
          <th scope="col">{t.monthCol}</th>
          {COST_CENTRES.map((c) => (
            <th scope="col" key={c} className="finance-num">
              {t[c]}
              <span className="finance-hint">{hints[c]}</span>
            </th>
          ))}
          <th scope="col" className="finance-num">
            {t.total}
          </th>
        </tr>
      </thead>
      <tbody>
        {[...rows].reverse().map((row) => (
          <tr key={row.month} data-month={row.month} className={row.month === chosen ? 'finance-chosen' : undefined}>
            <th scope="row">{monthLabel(row.month, locale)}</th>
            {scopes.map((scope) => {
              const total = scope === 'all' ? row.total : row.byCentre[scope];
              const pressed = cell.month === row.month && cell.scope === scope;
              const name = fill(t.chosenCell, { centre: scope === 'all' ? t.all : t[scope], month: monthLabel(row.month, locale) });
              return (
                <td key={scope} data-centre={scope} className="finance-num">
                  <button type="button" className="finance-cell" aria-pressed={pressed} aria-label={`${name}: ${money(total.amountCents)}`} onClick={() => onPick({ month: row.month, scope })}>
                    <span data-testid="amount">{money(total.amountCents)}</span>
                    <span className="finance-count">
                      {total.cases} {total.cases === 1 ? t.oneCase : t.cases} · {total.entries} {total.entries === 1 ? t.oneLine : t.lines}
                    </span>
                  </button>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
