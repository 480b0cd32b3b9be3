/**
 * Scales and SVG paths for the dashboard's small charts: pure, so the geometry is unit- and
 * property-tested and the components only draw what it returns. A missing value (null) is a gap,
 * never a zero: no data is not 0 %.
 */
export interface ChartBox {
  width: number;
  height: number;
  /** Room for the axis labels on each side. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface ChartSeries {
  key: string;
  values: readonly (number | null)[];
}

export interface ChartPoint {
  index: number;
  x: number;
  y: number;
  value: number;
}

export interface ChartBar extends ChartPoint {
  key: string;
  width: number;
  height: number;
}

export interface ChartGeometry {
  /** Centre of each slot (month) along x. */
  xs: number[];
  yMin: number;
  yMax: number;
  /** y of the value 0 (the bars' base). */
  baseline: number;
  ticks: { value: number; y: number }[];
  lines: { key: string; d: string; points: ChartPoint[] }[];
  bars: ChartBar[];
}

/** A round step (1, 2 or 5 times a power of ten) at least `rough`. */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const unit = rough / power;
  const nice = unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10;
  const step = nice * power;
  // The figures are rates, minutes and cents: a step finer than a millionth only draws float noise.
  return Number.isFinite(step) ? Math.max(step, 1e-6) : 1;
}

const round = (n: number) => Math.round(n * 100) / 100;

export interface ScaleOptions {
  /** The top of the scale when the figure has a natural one (1 for a rate, 5 for a score) and no value passes it. */
  ceiling?: number;
  /** The scale reaches at least this high, so a month of tiny values is not blown up to fill the chart. */
  floorTop?: number;
  tickCount?: number;
}

/** Geometry of `slots` months with the given series. */
export function chartGeometry(slots: number, series: readonly ChartSeries[], box: ChartBox, { ceiling, floorTop = 0, tickCount = 4 }: ScaleOptions = {}): ChartGeometry {
  const plotLeft = box.left;
  const plotRight = box.width - box.right;
  const plotTop = box.top;
  const plotBottom = box.height - box.bottom;
  const values = series.flatMap((s) => s.values.slice(0, slots).filter((v): v is number => v !== null && Number.isFinite(v)));
  const highest = Math.max(0, floorTop, ...values);
  const lowest = Math.min(0, ...values);
  const capped = ceiling !== undefined && ceiling > 0 && highest <= ceiling && lowest === 0;
  // Under a natural ceiling the ticks divide it evenly (0, 25, 50, 75, 100 %); otherwise round steps.
  const step = capped ? ceiling / tickCount : niceStep((highest - lowest) / tickCount);
  const yMax = capped ? ceiling : Math.max(step, Math.ceil(highest / step) * step);
  // Math.min: a tiny negative value divided by the step can underflow to -0.
  const yMin = lowest < 0 ? Math.min(lowest, Math.floor(lowest / step) * step) : 0;
  const yOf = (value: number) => round(plotBottom - ((value - yMin) / (yMax - yMin)) * (plotBottom - plotTop));

  const slotWidth = slots > 0 ? (plotRight - plotLeft) / slots : 0;
  const xs = Array.from({ length: slots }, (_, i) => round(plotLeft + slotWidth * (i + 0.5)));

  // yMin and yMax are whole steps apart, so the ticks end on the top.
  const ticks: { value: number; y: number }[] = [];
  for (let v = yMin, i = 0; v <= yMax + step / 1e6 && i < 100; v = yMin + step * ++i) ticks.push({ value: Math.round(v / step) * step, y: yOf(v) });

  const lines = series.map((s) => {
    const points: ChartPoint[] = [];
    let d = '';
    let drawing = false;
    for (let index = 0; index < slots; index += 1) {
      const value = s.values[index] ?? null;
      if (value === null || !Number.isFinite(value)) {
        drawing = false;
        continue;
      }
      const point = { index, x: xs[index]!, y: yOf(value), value };
      points.push(point);
      d += `${d ? ' ' : ''}${drawing ? 'L' : 'M'}${point.x} ${point.y}`;
      drawing = true;
    }
    return { key: s.key, d, points };
  });

  // Bars of one month side by side, together 80 % of its slot.
  const groupWidth = slotWidth * 0.8;
  const barWidth = series.length > 0 ? groupWidth / series.length : 0;
  const baseline = yOf(0);
  const bars: ChartBar[] = lines.flatMap((line, s) =>
    line.points.map((p) => ({
      key: line.key,
      index: p.index,
      value: p.value,
      x: round(p.x - groupWidth / 2 + barWidth * s),
      y: Math.min(p.y, baseline),
      width: round(barWidth),
      height: round(Math.abs(baseline - p.y)),
    })),
  );
  return { xs, yMin, yMax, baseline, ticks, lines, bars };
}
