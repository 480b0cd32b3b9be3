/**
 * Follows the supersession chain to the part the field should use now. A cycle in the data
 * (A replaced by B replaced by A) is reported instead of looping.
 */
export function currentPartNumber(partNumber: string, supersededBy: (partNumber: string) => string | null | undefined): { partNumber: string; chain: string[] } {
  const chain = [partNumber];
  let current = partNumber;
  for (;;) {
    const next = supersededBy(current);
    if (!next) return { partNumber: current, chain };
    if (chain.includes(next)) throw new Error(`supersession cycle: ${[...chain, next].join(' -> ')}`);
    chain.push(next);
    current = next;
  }
}
