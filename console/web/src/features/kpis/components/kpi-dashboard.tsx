import { useMemo, useState } from 'react';
import type { ScreenProps } from '../../../app/screen-props';
import { CaseRecordPanel } from '../../audit/components/case-record';
import { useLang, useMessages } from '../../../lib/i18n';
import { useKpiDefinitions, useKpiReport, useScorecard, type KpiDefinition } from '../api/insight';
import { kpiMessages } from '../messages';
import { fileStem as stemOf, monthPeriod, periodProblem, reportParams, targetsByFigure, wholeMonthOf, type Dimension, type Period } from '../report';
import { DrillDown } from './drill-down';
import { Downloads } from './downloads';
import { FigureTable, type DrillTarget } from './figure-table';
import { GroupAndFilters, PeriodPicker, type Filters } from './report-controls';
import { Scorecard } from './scorecard';
import { StuckEscalations } from './stuck-escalations';
import { Trends } from './trends';
import '../kpis.css';

/**
 * The business head's screen over insight: a period's figures (grouped and filtered as asked) with
 * what each counts, the month's target and verdict beside it, the cases behind any figure, the
 * exports, the month's scorecard per department, twelve months of the headline figures, and the
 * breached requests read live from intake. Read-only: managers and auditors.
 */
export function KpiDashboard(_props: ScreenProps) {
  const t = useMessages(kpiMessages);
  const locale = useLang().lang === 'zh' ? 'zh-CN' : 'en-GB';
  const [period, setPeriod] = useState<Period>(() => monthPeriod(new Date().toISOString().slice(0, 7)));
  const [groupBy, setGroupBy] = useState<Dimension | null>(null);
  const [filters, setFilters] = useState<Filters>({});
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const [openCase, setOpenCase] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  const query = { period, groupBy, filters };
  const params = periodProblem(period) ? null : reportParams(query);
  const report = useKpiReport(params);
  const definitions = useKpiDefinitions();
  const month = wholeMonthOf(period);
  const scorecard = useScorecard(month);

  const defs = useMemo(() => new Map<string, KpiDefinition>(definitions.data?.status === 200 ? definitions.data.body.items.map((d) => [d.id, d]) : []), [definitions.data]);
  const meanings = useMemo(() => new Map([...defs].map(([id, d]) => [id, d.definition])), [defs]);
  const card = scorecard.data?.status === 200 ? scorecard.data.body : null;
  const whole = groupBy === null && Object.values(filters).every((v) => !v?.trim());
  // The scorecard judges the whole business over a calendar month: only then is it the figure on screen.
  const targets = useMemo(() => (card && whole ? targetsByFigure(card.departments) : null), [card, whole]);
  const answer = report.data?.status === 200 ? report.data.body : null;
  const fileStem = stemOf('insight-kpis', period);
  const change = (next: () => void) => {
    next();
    setDrill(null);
  };

  return (
    <section aria-labelledby="kpis-title" className="kpis" aria-busy={report.loading}>
      <div className="kpis-head">
        <h2 id="kpis-title">{t.title}</h2>
        <button
          type="button"
          onClick={() => {
            report.reload();
            scorecard.reload();
            setTick((n) => n + 1);
          }}
        >
          {t.reload}
        </button>
      </div>
      <p className="kpis-about">{t.intro}</p>
      <PeriodPicker period={period} onChange={(p) => change(() => setPeriod(p))} />
      <GroupAndFilters groupBy={groupBy} filters={filters} onGroupBy={(d) => change(() => setGroupBy(d))} onFilters={(f) => change(() => setFilters(f))} />
      <Downloads params={params} fileStem={fileStem} />
      {report.loading && <p role="status">{t.loading}</p>}
      {report.data && report.data.status !== 200 && <p role="alert" className="kpis-problem">{t.refused} {report.data.status} {report.data.body.error?.message}</p>}
      {answer && <p className="kpis-about">{!month ? t.targetsPerMonth : !whole ? t.targetsWhole : null}</p>}
      {openCase && <CaseRecordPanel id={openCase} onClose={() => setOpenCase(null)} />}
      {drill && <DrillDown key={`${drill.kpiId}|${drill.group}|${drill.slice ?? ''}`} target={drill} params={params && reportParams(query, { group: drill.group, slice: drill.slice })} fileStem={fileStem} onOpen={setOpenCase} onClose={() => setDrill(null)} />}
      <div className="kpis-groups" data-testid="kpi-report" data-ready={answer && !report.loading && definitions.data && (!month || scorecard.data) ? 'true' : 'false'} data-from={answer?.from ?? ''} data-to={answer?.to ?? ''}>
        {answer?.groups.map((g) => <FigureTable key={g.key} group={g} definitions={meanings} targets={targets} locale={locale} onDrill={setDrill} />)}
      </div>
      {card && <Scorecard month={card.month} departments={card.departments} definitions={defs} locale={locale} />}
      <Trends definitions={defs} locale={locale} tick={tick} />
      <StuckEscalations />
    </section>
  );
}
