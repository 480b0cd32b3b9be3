/**
 * The parts to carry to a job: what spares reserved for the work order (from which stock), and
 * what open 8D containment says to bring, one line per part; the engineer's van stock marked.
 */

export interface ReservationLine {
  partNumber: string;
  quantity: number;
  locationId: string;
}

export interface Reservation {
  id: string;
  status: string;
  lines: ReservationLine[];
}

export interface CarryLine {
  partNumber: string;
  /** Units reserved; null for a part only containment asks for (the instruction says how many). */
  quantity: number | null;
  locations: string[];
  reserved: boolean;
  containment: boolean;
  inVan: boolean;
}

/** A released reservation went back to stock: nothing of it is carried. */
const counts = (r: Reservation) => r.status !== 'released';

export function partsToCarry(reservations: readonly Reservation[], containmentParts: readonly string[], vanStock: readonly string[]): CarryLine[] {
  const lines = new Map<string, CarryLine>();
  const line = (partNumber: string) => {
    const found = lines.get(partNumber) ?? { partNumber, quantity: null, locations: [], reserved: false, containment: false, inVan: vanStock.includes(partNumber) };
    lines.set(partNumber, found);
    return found;
  };
  for (const r of reservations.filter(counts)) {
    for (const l of r.lines) {
      const carry = line(l.partNumber);
      carry.quantity = (carry.quantity ?? 0) + l.quantity;
      carry.reserved = true;
      if (!carry.locations.includes(l.locationId)) carry.locations.push(l.locationId);
    }
  }
  for (const p of containmentParts) line(p).containment = true;
  return [...lines.values()].sort((a, b) => (a.partNumber < b.partNumber ? -1 : a.partNumber > b.partNumber ? 1 : 0));
}

/** The report's parts used start as what was reserved: the engineer corrects what differs. */
export function reservedAsUsed(lines: readonly CarryLine[]): { partNumber: string; quantity: number }[] {
  return lines.filter((l) => l.reserved && l.quantity).map((l) => ({ partNumber: l.partNumber, quantity: l.quantity! }));
}
