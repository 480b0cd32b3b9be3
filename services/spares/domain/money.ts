/**
 * What a plausible amount of money is. Amounts are integer cents; the ceiling (100 million in the
 * currency's units) covers the dearest part in the weakest currency served (a laser source priced
 * in KRW or JPY) and keeps a line of up to 100,000 units an exact integer in a double.
 */
export const maxMoneyCents = 10_000_000_000;

/** ISO 4217 codes in use, as the runtime's ICU knows them (EUR, CNY, USD; not test or historic codes). */
export const currencyCodes: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export function isPlausibleCents(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount >= 0 && amount <= maxMoneyCents;
}

/**
 * `a × b / divisor` to the cent, rounded half up, computed exactly in integers (a double would
 * round the fraction first: 11 minutes at 100.50/h is 18.425, so 18.43, where floats gave 18.42).
 * For non-negative `a`, `b` and a positive `divisor`; `divisor` 1 is the exact product. Above
 * what a double holds exactly the result is not a safe integer, so callers check with
 * `Number.isSafeInteger` and name their field.
 */
export function centsHalfUp(a: number | bigint, b: number | bigint, divisor: number | bigint = 1n): number {
  const d = BigInt(divisor);
  if (d <= 0n) throw new RangeError(`divisor must be positive, got ${divisor}`);
  const product = BigInt(a) * BigInt(b);
  if (product < 0n) throw new RangeError('amounts must not be negative');
  return Number((product * 2n + d) / (2n * d));
}

/** Bad input to a money calculation, naming the field so the API can answer 4xx with it. */
export class MoneyInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = new.target.name;
  }
}
