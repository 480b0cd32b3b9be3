/**
 * Fault injection for crash tests: a service names the points of a multi-write path, and with its
 * `<SERVICE>_FAULT_KILL_AFTER` variable naming one, the process kills itself with SIGKILL there, as a
 * crash would (no shutdown hooks, locks left to run out their lease). Off unless that variable is set.
 */
export function faultInjector<P extends string>(killAfter: P | null): (point: P) => void {
  if (killAfter === null) return () => undefined;
  return (point) => {
    if (point === killAfter) process.kill(process.pid, 'SIGKILL');
  };
}
