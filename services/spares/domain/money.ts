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
