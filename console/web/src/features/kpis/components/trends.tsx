import { useMemo, useState } from 'react';
import { useMessages } from '../../../lib/i18n';
import { useMonthlyReports, type KpiDefinition } from '../api/insight';
import { trendFigures } from '../figures';
import { kpiMessages } from '../messages';
import { recentMonths } from '../months';
import { KpiChart, type MonthLabel } from './kpi-chart';

/** How far back the trends look: a year of months, the current one last. */
const MONTHS = 12;

/** The headline figures over the last twelve months, one insight report per month. */
export function Trends({ definitions, locale, tick }: { definitions: ReadonlyMap<string, KpiDefinition>; locale: string; tick: number }) {
  const t = useMessages(kpiMessages);
  // The months are fixed when the screen opens; a reload of the page moves them on.
  const [months] = useState(() => recentMonths(Date.now(), MONTHS));
  const monthly = useMonthlyReports(months, tick);
  const labels: MonthLabel[] = useMemo(
    () =>
      months.map((m) => ({
        key: m.key,
        short: new Date(m.from).toLocaleDateString(locale, { month: 'short', timeZone: 'UTC' }),
        long: new Date(m.from).toLocaleDateString(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }),
      })),
    [months, locale],
  );
  const figures = useMemo(() => trendFigures(monthly.reports), [monthly.reports]);
  return (
    <section aria-labelledby="kpis-trends-title" className="kpis-trends">
      <h3 id="kpis-trends-title">{t.trends}: {labels[0]!.long} – {labels.at(-1)!.long}</h3>
      <p className="kpis-about">{t.trendsAbout}</p>
      {monthly.problem && <p role="alert" className="kpis-problem">{t.refused} {monthly.problem.status} {monthly.problem.message}</p>}
      <div className="kpis-grid" data-testid="kpi-charts" data-ready={monthly.loading ? 'false' : 'true'}>
        {figures.map((figure) => (
          <KpiChart key={figure.id} figure={figure} title={definitions.get(figure.id)?.label ?? figure.id} about={definitions.get(figure.id)?.definition ?? ''} months={labels} locale={locale} t={t} />
        ))}
      </div>
    </section>
  );
}
