/** A board clock as the dispatcher sees it this second: pure, so the countdown is unit-tested. */
export interface ClockShown {
  /** The server's status, moved to breached once the due instant has passed (the workflow's sync may lag by seconds). */
  status: 'on-track' | 'warning' | 'breached' | 'paused';
  /** "02:14:05 left", "1d 03:00:00 left" or "00:05:12 over". */
  remaining: string;
  overdue: boolean;
}

function hms(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86_400);
  const rest = totalSeconds % 86_400;
  const pad = (n: number) => String(n).padStart(2, '0');
  const text = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  return days > 0 ? `${days}d ${text}` : text;
}

export function clockShown(clock: { status: string; dueAt: string; paused: boolean }, nowMs: number): ClockShown {
  const ms = Date.parse(clock.dueAt) - nowMs;
  const overdue = ms < 0;
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const status = clock.paused ? 'paused' : overdue || clock.status === 'breached' ? 'breached' : clock.status === 'warning' ? 'warning' : 'on-track';
  return { status, remaining: hms(seconds), overdue };
}
