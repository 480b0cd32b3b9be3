import { fill, useMessages } from '../../../lib/i18n';
import type { FigureValue, KpiFigure } from '../api/insight';
import { kpiMessages } from '../messages';
import { formatFigure, formatTarget, statusLook, targetKey, type TargetBeside } from '../report';

export interface DrillTarget {
  kpiId: string;
  label: string;
  group: string;
  slice: string | null;
}

interface Props {
  group: { key: string; caseCount: number; kpis: KpiFigure[] };
  /** Each figure's definition by id (GET /v1/kpis/definitions). */
  definitions: ReadonlyMap<string, string>;
  /** The month's scorecard by figure and slice; null when the figures on screen are not the scorecard's. */
  targets: ReadonlyMap<string, TargetBeside> | null;
  locale: string;
  onDrill: (target: DrillTarget) => void;
}

/** One group's figures: value with its numerator and denominator, target and verdict, and the cases behind each. */
export function FigureTable({ group, definitions, targets, locale, onDrill }: Props) {
  const t = useMessages(kpiMessages);
  const row = (figure: KpiFigure, value: FigureValue, slice: string | null) => {
    const line = targets?.get(targetKey(figure.id, slice));
    const look = line ? statusLook(line.status) : null;
    const name = slice ? `${figure.label} · ${slice}` : figure.label;
    return (
      <tr key={`${figure.id}|${slice ?? ''}`} data-kpi={figure.id} data-slice={slice ?? ''} className={slice ? 'kpis-slice' : undefined}>
        <th scope="row">
          {slice ? <span className="kpis-slice-key">{slice}</span> : figure.label}
          {!slice && definitions.get(figure.id) && (
            <details className="kpis-definition">
              <summary>{t.definition}</summary>
              <p data-testid="definition">{definitions.get(figure.id)}</p>
            </details>
          )}
          {!slice && figure.note && <p className="kpis-note">{figure.note}</p>}
        </th>
        <td data-testid="value">{formatFigure(figure.unit, value, locale) ?? <em>{t.noData}</em>}</td>
        <td data-testid="target">{line ? (formatTarget(figure.unit, figure.better, line.target, locale) ?? '—') : ''}</td>
        <td data-testid="verdict" data-status={line?.status ?? ''} className={look?.className}>{line && look ? `${look.sign} ${t[line.status]}` : ''}</td>
        <td>
          <button type="button" className="kpis-drill" data-testid="drill" disabled={value.caseCount === 0} aria-label={fill(t.casesOf, { n: value.caseCount, figure: name })} onClick={() => onDrill({ kpiId: figure.id, label: name, group: group.key, slice })}>
            {value.caseCount}
          </button>
        </td>
      </tr>
    );
  };
  return (
    <table className="kpis-table kpis-figures" data-testid="kpi-figures" data-group={group.key}>
      <caption>
        {group.key === 'all' ? null : <>{t.group}: <strong>{group.key}</strong> · </>}
        {group.caseCount} {t.cases.toLowerCase()}
      </caption>
      <thead>
        <tr>
          <th scope="col">{t.figure}</th>
          <th scope="col">{t.value}</th>
          <th scope="col">{t.target}</th>
          <th scope="col">{t.verdict}</th>
          <th scope="col">{t.cases}</th>
        </tr>
      </thead>
      <tbody>{group.kpis.flatMap((figure) => [row(figure, figure, null), ...(figure.breakdown ?? []).map((b) => row(figure, b, b.key))])}</tbody>
    </table>
  );
}
