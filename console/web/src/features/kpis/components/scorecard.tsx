import { useMessages } from '../../../lib/i18n';
import type { KpiDefinition } from '../api/insight';
import { kpiMessages } from '../messages';
import { formatKpiValue, formatTarget, statusLook, tally, type DepartmentScorecard } from '../report';

/** The month's scorecard, one table per department: each figure met, missed or not measured. */
export function Scorecard({ month, departments, definitions, locale }: { month: string; departments: readonly DepartmentScorecard[]; definitions: ReadonlyMap<string, KpiDefinition>; locale: string }) {
  const t = useMessages(kpiMessages);
  return (
    <section aria-labelledby="kpis-scorecard-title" className="kpis-card kpis-scorecard" data-testid="scorecard" data-month={month}>
      <h3 id="kpis-scorecard-title">{t.scorecard} · {month}</h3>
      <p className="kpis-about">{t.scorecardAbout}</p>
      <div className="kpis-departments">
        {departments.map((d) => {
          const counts = tally(d.lines);
          return (
            <table key={d.owner} className="kpis-table" data-department={d.owner}>
              <caption>
                <strong>{d.owner}</strong>: {counts.met} {t.met}, {counts.missed} {t.missed}, {counts['not-measured']} {t['not-measured']}
              </caption>
              <thead>
                <tr><th scope="col">{t.figure}</th><th scope="col">{t.target}</th><th scope="col">{t.actual}</th><th scope="col">{t.verdict}</th></tr>
              </thead>
              <tbody>
                {d.lines.map((line) => {
                  const def = definitions.get(line.kpiId);
                  const look = statusLook(line.status);
                  const unit = def?.unit ?? 'count';
                  return (
                    <tr key={`${line.kpiId}|${line.breakdownKey ?? ''}`} data-kpi={line.kpiId} data-slice={line.breakdownKey ?? ''} title={line.note}>
                      <th scope="row">{def?.label ?? line.kpiId}{line.breakdownKey ? ` · ${line.breakdownKey}` : ''}</th>
                      <td>{formatTarget(unit, def?.better ?? 'higher', line.target, locale) ?? '—'}</td>
                      <td data-testid="actual">{line.actual === null ? t.noData : formatKpiValue(unit, line.actual, locale)}</td>
                      <td data-testid="verdict" data-status={line.status} className={look.className}>{look.sign} {t[line.status]}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          );
        })}
      </div>
    </section>
  );
}
