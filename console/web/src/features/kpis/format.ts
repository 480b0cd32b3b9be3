/** How a figure's value reads, in the user's language: the same text in the charts and the tables. */
import type { FigurePoint, Unit } from './figures';

export function formatValue(unit: Unit, value: number, locale: string): string {
  const number = (n: number, digits: number) => n.toLocaleString(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  switch (unit) {
    case 'rate':
      return `${number(value * 100, 0)} %`;
    case 'hours':
      return `${number(value, 1)} h`;
    case 'minutes':
      return `${number(value, 0)} min`;
    case 'score':
      return number(value, 1);
    case 'money':
      return number(value, 2);
    case 'count':
      return number(value, 0);
  }
}

/** A point with what it was taken over: "75 % (3/4)", "1.5 h (n=2)"; null when unmeasured. */
export function formatPoint(unit: Unit, point: FigurePoint, locale: string): string | null {
  if (point.value === null) return null;
  const value = formatValue(unit, point.value, locale);
  if (point.denominator !== undefined) return `${value} (${point.numerator}/${point.denominator})`;
  if (point.count !== undefined && unit !== 'money') return `${value} (n=${point.count})`;
  return value;
}

/** A tick on a chart's axis: short, so it fits beside the plot ("50%", "1.5", "12K"). */
export function axisLabel(unit: Unit, value: number, locale: string): string {
  if (unit === 'rate') return `${Math.round(value * 100)}%`;
  return value.toLocaleString(locale, { notation: 'compact', maximumFractionDigits: 1 });
}
