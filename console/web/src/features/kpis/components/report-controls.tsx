import { useState } from 'react';
import { useMessages } from '../../../lib/i18n';
import { kpiMessages } from '../messages';
import { DIMENSIONS, monthPeriod, periodProblem, wholeMonthOf, type Dimension, type Period } from '../report';

/** A calendar month, or any days from a first to a last (UTC). */
export function PeriodPicker({ period, onChange }: { period: Period; onChange: (next: Period) => void }) {
  const t = useMessages(kpiMessages);
  const problem = periodProblem(period);
  return (
    <fieldset className="kpis-controls">
      <legend>{t.period}</legend>
      <label>
        {t.month}{' '}
        <input type="month" name="month" value={wholeMonthOf(period) ?? ''} onChange={(e) => /^\d{4}-\d{2}$/.test(e.target.value) && onChange(monthPeriod(e.target.value))} />
      </label>
      <label>{t.from} <input type="date" name="from" value={period.from} onChange={(e) => onChange({ ...period, from: e.target.value })} aria-invalid={problem === 'from'} /></label>
      <label>{t.to} <input type="date" name="to" value={period.to} onChange={(e) => onChange({ ...period, to: e.target.value })} aria-invalid={problem === 'to'} /></label>
      {problem && <span role="alert" className="kpis-problem">{t.periodWrong}</span>}
    </fieldset>
  );
}

export type Filters = Partial<Record<Dimension, string>>;

/** The grouping, applied at once, and the dimension filters, applied together when asked. */
export function GroupAndFilters({ groupBy, filters, onGroupBy, onFilters }: { groupBy: Dimension | null; filters: Filters; onGroupBy: (d: Dimension | null) => void; onFilters: (f: Filters) => void }) {
  const t = useMessages(kpiMessages);
  const [draft, setDraft] = useState<Filters>(filters);
  return (
    <form
      className="kpis-controls"
      onSubmit={(e) => {
        e.preventDefault();
        onFilters(draft);
      }}
    >
      <label>
        {t.groupBy}{' '}
        <select name="groupBy" value={groupBy ?? ''} onChange={(e) => onGroupBy((e.target.value || null) as Dimension | null)}>
          <option value="">{t.noGrouping}</option>
          {DIMENSIONS.map((d) => <option key={d} value={d}>{t[`dim.${d}`]}</option>)}
        </select>
      </label>
      <fieldset className="kpis-filters">
        <legend>{t.filters}</legend>
        {DIMENSIONS.map((d) => (
          <label key={d}>
            {t[`dim.${d}`]} <input name={`filter-${d}`} value={draft[d] ?? ''} size={10} onChange={(e) => setDraft({ ...draft, [d]: e.target.value })} />
          </label>
        ))}
        <button type="submit">{t.apply}</button>
        <button
          type="button"
          onClick={() => {
            setDraft({});
            onFilters({});
          }}
        >
          {t.clear}
        </button>
      </fieldset>
    </form>
  );
}
