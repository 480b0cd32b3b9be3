import { describe, expect, it } from 'vitest';
import { axisLabel, formatPoint, formatValue } from './format';

describe('a figure as text', () => {
  it('reads each unit the way the business says it', () => {
    expect(formatValue('rate', 0.755, 'en-GB')).toBe('76 %');
    expect(formatValue('hours', 1.25, 'en-GB')).toBe('1.3 h');
    expect(formatValue('money', 1234.5, 'en-GB')).toBe('1,234.50');
    expect(formatPoint('rate', { value: 0.75, numerator: 3, denominator: 4 }, 'en-GB')).toBe('75 % (3/4)');
    expect(formatPoint('minutes', { value: 12, count: 5 }, 'zh-CN')).toBe('12 min (n=5)');
    expect(formatPoint('rate', { value: null, numerator: 0, denominator: 0 }, 'en-GB')).toBeNull();
    expect(axisLabel('rate', 0.25, 'en-GB')).toBe('25%');
    expect(axisLabel('money', 12_000, 'en-GB')).toMatch(/^12\s?[kK]$/);
    expect(axisLabel('hours', 1.5, 'en-GB')).toBe('1.5');
  });
});
