/**
 * The points of a shipment where a crash test kills spares (tests/spares-crash.fault.test.ts), with
 * SPARES_FAULT_KILL_AFTER naming one (the platform's faultInjector): its units claimed and the
 * transfer not yet stored, or the transfer stored and neither card yet noting it.
 */
export const sparesFaultPoints = ['transfer-claims', 'transfer-stored'] as const;
export type SparesFaultPoint = (typeof sparesFaultPoints)[number];
