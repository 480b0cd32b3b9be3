/**
 * Prices for paid work: list price per part, quantity discounts, a minimum price no discount
 * goes below, labour and travel rates. Money in integer cents.
 */
import { centsHalfUp, MoneyInputError } from './money';

export interface QuantityBreak {
  /** The discount applies from this quantity on one line. */
  minQuantity: number;
  discountBasisPoints: number;
}

export interface PartPrice {
  listPriceCents: number;
  minimumPriceCents: number;
  quantityBreaks?: readonly QuantityBreak[];
}

export interface PriceList {
  id: string;
  currency: string;
  labourRateCentsPerHour: number;
  travelCentsPerTrip: number;
  parts: Record<string, PartPrice>;
}

export interface QuoteRequest {
  parts: readonly { partNumber: string; quantity: number }[];
  labourHours: number;
  trips: number;
}

export interface QuoteLine {
  kind: 'part' | 'labour' | 'travel';
  partNumber?: string;
  quantity: number;
  unitPriceCents: number;
  discountBasisPoints: number;
  amountCents: number;
  /** Set when the minimum price cut the discount short. */
  atMinimumPrice?: boolean;
}

export class PricingError extends MoneyInputError {}

/** Unit price of a part at a quantity: the deepest break reached, never below the minimum price. */
export function unitPrice(price: PartPrice, quantity: number): { unitPriceCents: number; discountBasisPoints: number; atMinimumPrice: boolean } {
  const breaks = [...(price.quantityBreaks ?? [])].filter((b) => quantity >= b.minQuantity).sort((a, b) => b.discountBasisPoints - a.discountBasisPoints);
  const discountBasisPoints = breaks[0]?.discountBasisPoints ?? 0;
  const discounted = centsHalfUp(price.listPriceCents, 10_000 - discountBasisPoints, 10_000);
  const atMinimumPrice = discounted < price.minimumPriceCents;
  return { unitPriceCents: atMinimumPrice ? price.minimumPriceCents : discounted, discountBasisPoints, atMinimumPrice };
}

/**
 * Hours as the person typed them (at most four decimals) x cents per hour, rounded half up in
 * integers: 0.57 h at 100.50/h is 57.285, so 57.29, where the binary product gave 57.28.
 */
export function decimalHoursTimesRate(hours: number, rateCentsPerHour: number): number {
  const match = /^(\d+)(?:\.(\d{1,4}))?$/.exec(String(hours));
  if (!match) throw new PricingError('labourHours', 'at most four decimal places, e.g. 2.25');
  const decimals = match[2] ?? '';
  return centsHalfUp(BigInt(`${match[1]}${decimals}`), rateCentsPerHour, 10n ** BigInt(decimals.length));
}

export function priceQuote(list: PriceList, request: QuoteRequest): { lines: QuoteLine[]; totalCents: number; currency: string } {
  const lines: QuoteLine[] = request.parts.map((p, i) => {
    if (!Number.isSafeInteger(p.quantity) || p.quantity <= 0) throw new PricingError(`parts[${i}].quantity`, 'must be a positive integer');
    const price = list.parts[p.partNumber];
    if (!price) throw new PricingError(`parts[${i}].partNumber`, `no price for part ${p.partNumber} in price list ${list.id}`);
    const u = unitPrice(price, p.quantity);
    return { kind: 'part', partNumber: p.partNumber, quantity: p.quantity, unitPriceCents: u.unitPriceCents, discountBasisPoints: u.discountBasisPoints, amountCents: u.unitPriceCents * p.quantity, ...(u.atMinimumPrice ? { atMinimumPrice: true } : {}) };
  });
  if (!(request.labourHours >= 0)) throw new PricingError('labourHours', 'must not be negative');
  const labourCents = decimalHoursTimesRate(request.labourHours, list.labourRateCentsPerHour);
  if (!Number.isSafeInteger(request.trips) || request.trips < 0) throw new PricingError('trips', 'must be a non-negative integer');
  if (request.labourHours > 0) {
    lines.push({ kind: 'labour', quantity: request.labourHours, unitPriceCents: list.labourRateCentsPerHour, discountBasisPoints: 0, amountCents: labourCents });
  }
  if (request.trips > 0) {
    lines.push({ kind: 'travel', quantity: request.trips, unitPriceCents: list.travelCentsPerTrip, discountBasisPoints: 0, amountCents: request.trips * list.travelCentsPerTrip });
  }
  return { lines, totalCents: lines.reduce((sum, l) => sum + l.amountCents, 0), currency: list.currency };
}
