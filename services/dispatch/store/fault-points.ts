/**
 * Fault injection for crash tests (tests/dispatch-crash.fault.test.ts): with
 * DISPATCH_FAULT_KILL_AFTER naming a point, the process kills itself with SIGKILL there, as a
 * crash would (no shutdown hooks, locks left to run out their lease). Off unless that variable is set.
 */
export const dispatchFaultPoints = ['booking-insert', 'work-order-change', 'calendar-write'] as const;
export type DispatchFaultPoint = (typeof dispatchFaultPoints)[number];

/** The hook the booking path calls at each point; a no-op unless `killAfter` names that point. */
export function faultInjector(killAfter: DispatchFaultPoint | null): (point: DispatchFaultPoint) => void {
  if (killAfter === null) return () => undefined;
  return (point) => {
    if (point === killAfter) process.kill(process.pid, 'SIGKILL');
  };
}
