/**
 * The points of an assignment where a crash test kills dispatch (tests/dispatch-crash.fault.test.ts),
 * with DISPATCH_FAULT_KILL_AFTER naming one (the platform's faultInjector).
 */
export const dispatchFaultPoints = ['booking-insert', 'work-order-change', 'calendar-write'] as const;
export type DispatchFaultPoint = (typeof dispatchFaultPoints)[number];
