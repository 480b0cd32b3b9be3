/**
 * A model's bill of materials as a tree: each part that fits the model, under the assembly it
 * goes into (when that assembly fits the model too). A part naming no parent, or only parents
 * that do not fit the model, is a top-level part of it.
 */
export interface BomPart {
  partNumber: string;
  description: string;
  /** Assemblies this part goes into. */
  parentParts: readonly string[];
}

export interface BomNode {
  partNumber: string;
  description: string;
  children: BomNode[];
}

export function bomTree(parts: readonly BomPart[]): BomNode[] {
  const byNumber = new Map(parts.map((p) => [p.partNumber, p]));
  const build = (part: BomPart, path: ReadonlySet<string>): BomNode => ({
    partNumber: part.partNumber,
    description: part.description,
    children: parts
      .filter((c) => c.parentParts.includes(part.partNumber) && !path.has(c.partNumber))
      .sort((a, b) => a.partNumber.localeCompare(b.partNumber))
      // A cycle in the data (A in B in A) stops at the repeat instead of recursing forever.
      .map((c) => build(c, new Set([...path, c.partNumber]))),
  });
  return parts
    .filter((p) => !p.parentParts.some((parent) => byNumber.has(parent) && parent !== p.partNumber))
    .sort((a, b) => a.partNumber.localeCompare(b.partNumber))
    .map((p) => build(p, new Set([p.partNumber])));
}
