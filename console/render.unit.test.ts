import { describe, expect, it } from 'vitest';
import { relative, renderBoard, renderKpis, table } from './render';

describe('console rendering', () => {
  const now = new Date('2026-11-30T10:00:00Z');

  it('says durations as people do, ahead or overdue', () => {
    expect(relative('2026-11-30T12:05:00Z', now)).toBe('in 2h05m');
    expect(relative('2026-11-30T10:07:30Z', now)).toBe('in 7m');
    expect(relative('2026-11-27T06:00:00Z', now)).toBe('3d04h overdue');
  });

  it('pads columns to the widest cell', () => {
    expect(table(['A', 'LONGER'], [['wide cell', 'x']])).toBe(['A          LONGER', '---------  ------', 'wide cell  x'].join('\n'));
  });

  it('renders the board with the paused flag and the last escalation', () => {
    const text = renderBoard(
      [{ id: 'SR-1', tier: 'P1', status: 'dispatched', owner: 'ENG-7', clock: { name: 'on-site', status: 'breached', dueAt: '2026-11-30T09:30:00Z', paused: true }, lastEscalation: { action: 'reassign', step: 2 } }],
      now,
    );
    expect(text.split('\n')[2]).toBe('SR-1     P1    dispatched  on-site  breached (paused)  30m overdue  ENG-7  #2 reassign');
    expect(renderBoard([], now)).toBe('No open request matches.');
  });

  it("renders insight's figures a line each, with their share, cases and note", () => {
    const text = renderKpis(
      {
        groups: [{
          key: 'all',
          caseCount: 2,
          kpis: [
            { id: 'first-time-fix', label: 'First-time fix', unit: 'percent', value: 50, numerator: 1, denominator: 2, caseCount: 2 },
            { id: 'mttr', label: 'Mean time to repair', unit: 'hours', value: 2.25, caseCount: 2 },
            { id: 'parts-turnover', label: 'Parts turnover', unit: 'ratio', value: null, caseCount: 0, note: 'no valuation in the period' },
          ],
        }],
      },
      { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' },
    );
    expect(text.split('\n')).toEqual([
      'Cases in 2026-11-01T00:00:00Z .. 2026-12-01T00:00:00Z: 2',
      '',
      'KPI                  VALUE  OF   CASES  NOTE',
      '-------------------  -----  ---  -----  --------------------------',
      'First-time fix       50 %   1/2  2',
      'Mean time to repair  2.3 h       2',
      'Parts turnover       n/a         0      no valuation in the period',
    ]);
    expect(renderKpis({ groups: [] }, { from: 'a', to: 'b' })).toBe('Cases in a .. b: 0');
  });
});
