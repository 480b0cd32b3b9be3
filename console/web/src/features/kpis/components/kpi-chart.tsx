import { chartGeometry, type ChartBox } from '../chart-scale';
import { latestPoint, type Figure } from '../figures';
import { axisLabel, formatPoint, formatValue } from '../format';
import type { kpiMessages } from '../messages';

const box: ChartBox = { width: 320, height: 150, left: 46, right: 8, top: 10, bottom: 24 };
/** Colour and dash per series, so lines differ without colour too (all ≥ 4.5:1 on white). */
const looks = [
  { colour: '#12355b', dash: '' },
  { colour: '#b45309', dash: '5 3' },
  { colour: '#15803d', dash: '2 2' },
  { colour: '#7c3aed', dash: '8 3 2 3' },
];

/** The least top of each unit's scale: small values stay small (four requests, an hour, ten minutes). */
const floorTops: Record<Figure['unit'], number> = { rate: 0, score: 0, count: 4, hours: 1, minutes: 10, money: 1 };

export interface MonthLabel {
  key: string;
  /** On the axis: "Dec". */
  short: string;
  /** In the text and table: "Dec 2026". */
  long: string;
}

type Messages = (typeof kpiMessages)['en'];

/** One figure as a small SVG chart with its latest value as text and every value in a table. */
export function KpiChart({ figure, title, about, months, locale, t }: { figure: Figure; title: string; about: string; months: readonly MonthLabel[]; locale: string; t: Messages }) {
  const geometry = chartGeometry(
    months.length,
    figure.series.map((s) => ({ key: s.key, values: s.points.map((p) => p.value) })),
    box,
    { ceiling: figure.ceiling, floorTop: floorTops[figure.unit], tickCount: figure.unit === 'score' ? 5 : 4 },
  );
  // A tier's series is named even when it is the only one measured.
  const named = figure.series.length > 1 || figure.series.some((s) => s.key !== 'all');
  const seriesName = (key: string) => (key === 'all' ? t['series.all'] : key);
  const latest = figure.series.map((s) => {
    const found = latestPoint(s);
    const text = found ? `${formatPoint(figure.unit, found.point, locale)} ${t.in} ${months[found.index]!.long}` : t.noData;
    return named ? `${seriesName(s.key)}: ${text}` : text;
  });
  const titleId = `kpis-${figure.id}-title`;
  // Twelve months leave room for every other label on the axis.
  const labelEvery = months.length > 8 ? 2 : 1;

  return (
    <figure className="kpis-card" data-figure={figure.id} aria-labelledby={titleId}>
      <h3 id={titleId}>{title}</h3>
      <p className="kpis-about">{about}</p>
      <svg className="kpis-chart" viewBox={`0 0 ${box.width} ${box.height}`} role="img" aria-label={`${t.chartOf} ${title}. ${t.latest}: ${latest.join('; ')}`}>
        {geometry.ticks.map((tick) => (
          <g key={tick.value}>
            <line x1={box.left} x2={box.width - box.right} y1={tick.y} y2={tick.y} className="kpis-grid" />
            <text x={box.left - 4} y={tick.y + 3} textAnchor="end" className="kpis-axis">{axisLabel(figure.unit, tick.value, locale)}</text>
          </g>
        ))}
        {geometry.xs.map((x, i) => (i % labelEvery === (months.length - 1) % labelEvery ? (
          <text key={months[i]!.key} x={x} y={box.height - 8} textAnchor="middle" className="kpis-axis">{months[i]!.short}</text>
        ) : null))}
        {figure.kind === 'bar'
          ? geometry.bars.map((bar) => {
              const look = looks[figure.series.findIndex((s) => s.key === bar.key) % looks.length]!;
              return <rect key={`${bar.key}-${bar.index}`} x={bar.x} y={bar.y} width={bar.width} height={Math.max(bar.height, 0.5)} fill={look.colour}><title>{`${seriesName(bar.key)} ${months[bar.index]!.long}: ${formatValue(figure.unit, bar.value, locale)}`}</title></rect>;
            })
          : geometry.lines.map((line, s) => {
              const look = looks[s % looks.length]!;
              return (
                <g key={line.key}>
                  <path d={line.d} fill="none" stroke={look.colour} strokeWidth={2} strokeDasharray={look.dash || undefined} />
                  {line.points.map((p) => (
                    <circle key={p.index} cx={p.x} cy={p.y} r={3} fill={look.colour}>
                      <title>{`${seriesName(line.key)} ${months[p.index]!.long}: ${formatValue(figure.unit, p.value, locale)}`}</title>
                    </circle>
                  ))}
                </g>
              );
            })}
        <line x1={box.left} x2={box.width - box.right} y1={geometry.baseline} y2={geometry.baseline} className="kpis-zero" />
      </svg>
      {named && (
        <ul className="kpis-legend">
          {figure.series.map((s, i) => (
            <li key={s.key}>
              <svg width="22" height="8" aria-hidden="true"><line x1="0" x2="22" y1="4" y2="4" stroke={looks[i % looks.length]!.colour} strokeWidth={figure.kind === 'bar' ? 8 : 2} strokeDasharray={figure.kind === 'bar' ? undefined : looks[i % looks.length]!.dash || undefined} /></svg>
              {seriesName(s.key)}
            </li>
          ))}
        </ul>
      )}
      <p className="kpis-latest" data-testid="latest">{t.latest}: {latest.join('; ')}</p>
      <details>
        <summary>{t.asTable}</summary>
        <table className="kpis-table">
          <thead>
            <tr>
              <th scope="col">{t.month}</th>
              {figure.series.map((s) => <th key={s.key} scope="col">{seriesName(s.key)}</th>)}
            </tr>
          </thead>
          <tbody>
            {months.map((m, i) => (
              <tr key={m.key}>
                <th scope="row">{m.long}</th>
                {figure.series.map((s) => (
                  <td key={s.key} data-month={m.key} data-series={s.key}>{formatPoint(figure.unit, s.points[i]!, locale) ?? t.noData}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
