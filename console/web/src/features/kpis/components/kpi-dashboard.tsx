import { useMemo, useState } from 'react';
import type { ScreenProps } from '../../../app/screen-props';
import { useLang, useMessages } from '../../../lib/i18n';
import { useCostAllocation, useMonthlyKpis } from '../api/kpis';
import { kpiFigures, partsCostFigure } from '../figures';
import { kpiMessages } from '../messages';
import { recentMonths } from '../months';
import { KpiChart, type MonthLabel } from './kpi-chart';
import { StuckEscalations } from './stuck-escalations';
import '../kpis.css';

/** How far back the dashboard looks: a year of months, the current one last. */
const MONTHS = 12;

/** The business head's dashboard: intake's KPIs and spares' parts cost month by month, and stuck escalations. */
export function KpiDashboard(_props: ScreenProps) {
  const t = useMessages(kpiMessages);
  const { lang } = useLang();
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  // The months are fixed when the screen opens; a reload of the page moves them on.
  const [months] = useState(() => recentMonths(Date.now(), MONTHS));
  const kpis = useMonthlyKpis(months);
  const costs = useCostAllocation(months[0]!.from, months.at(-1)!.to);

  const labels: MonthLabel[] = useMemo(
    () =>
      months.map((m) => ({
        key: m.key,
        short: new Date(m.from).toLocaleDateString(locale, { month: 'short', timeZone: 'UTC' }),
        long: new Date(m.from).toLocaleDateString(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }),
      })),
    [months, locale],
  );
  const figures = useMemo(() => kpiFigures(kpis.reports), [kpis.reports]);
  const costEntries = costs.data?.status === 200 ? costs.data.body.entries : null;
  const partsCost = useMemo(() => partsCostFigure(months, costEntries), [months, costEntries]);
  const costProblem = costs.data && costs.data.status !== 200 ? `${t.refused} ${costs.data.status} ${costs.data.body.error?.message ?? ''}` : null;
  const allFailed = kpis.problem !== null && kpis.reports.every((r) => r === null);

  return (
    <section aria-labelledby="kpis-title" className="kpis" aria-busy={kpis.loading}>
      <div className="kpis-head">
        <h2 id="kpis-title">{t.title}</h2>
        <button
          type="button"
          onClick={() => {
            kpis.reload();
            costs.reload();
          }}
        >
          {t.reload}
        </button>
      </div>
      <p className="kpis-about">
        {t.intro} {t.months}: {labels[0]!.long} – {labels.at(-1)!.long}.
      </p>
      {kpis.loading && <p role="status">{t.loading}</p>}
      {kpis.problem && <p role="alert" className="kpis-problem">{allFailed ? `${t.refused} ${kpis.problem.status} ${kpis.problem.message}` : t.partial}</p>}
      <div className="kpis-grid" data-testid="kpi-charts" data-ready={!kpis.loading && costs.data !== null ? 'true' : 'false'}>
        {figures.map((figure) => <KpiChart key={figure.id} figure={figure} months={labels} locale={locale} t={t} />)}
        <KpiChart figure={partsCost} months={labels} locale={locale} t={t} problem={costProblem} />
      </div>
      <StuckEscalations />
      <section aria-labelledby="kpis-unmeasured-title" className="kpis-unmeasured" data-testid="not-measured">
        <h3 id="kpis-unmeasured-title">{t.notMeasured}</h3>
        <p className="kpis-about">{t.notMeasuredYet}</p>
        <ul>
          {(['revenueVsCost', 'partsTurnover', 'engineerUtilisation', 'redFlags'] as const).map((key) => (
            <li key={key}>
              {t[key]}: <em>{t.notMeasured.toLowerCase()}</em>
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
