import { describe, expect, it } from 'vitest';
import { relative, renderBoard, table } from './render';

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
});
