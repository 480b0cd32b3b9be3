/**
 * A small PDF writer for text reports: A4 pages, the standard Helvetica fonts (every reader has
 * them, nothing is embedded), WinAnsi encoding, words wrapped to the measured line width. Enough
 * for the 8D report; not a general layout engine.
 */
import type { Report, ReportBlock } from './report';

/** Helvetica advance widths (1/1000 em) for WinAnsi 32..126, from the font's standard metrics. */
const helveticaWidths = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722,
  278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333,
  500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

const pageWidth = 595; // A4 in points
const pageHeight = 842;
const margin = 56;
const usable = pageWidth - 2 * margin;

type Font = 'F1' | 'F2'; // Helvetica, Helvetica-Bold

/** Characters outside WinAnsi's printable ASCII become their nearest ASCII form, else '?'. */
export function toWinAnsi(s: string): string {
  return s
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/\s/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?');
}

export function textWidth(s: string, size: number, font: Font = 'F1'): number {
  let units = 0;
  for (const ch of s) units += helveticaWidths[ch.charCodeAt(0) - 32] ?? 556;
  // Bold runs about 5 % wider; headings are short, so the estimate only needs to be safe.
  return ((font === 'F2' ? units * 1.06 : units) * size) / 1000;
}

/** Greedy word wrap to a width; a word longer than a line is cut. */
export function wrap(s: string, size: number, width: number, font: Font = 'F1'): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of toWinAnsi(s).split(' ').filter((w) => w.length > 0)) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(candidate, size, font) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    let rest = word;
    while (textWidth(rest, size, font) > width) {
      let cut = rest.length - 1;
      while (cut > 1 && textWidth(rest.slice(0, cut), size, font) > width) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}

const escapePdf = (s: string) => s.replace(/\\/g, '\\\\').replace(/\(/g, '\\(').replace(/\)/g, '\\)');

interface Line {
  text: string;
  font: Font;
  size: number;
  indent: number;
  /** Space before the line, in points. */
  before: number;
}

function linesOf(report: Report): Line[] {
  const out: Line[] = [];
  const add = (text: string, font: Font, size: number, indent = 0, before = 0) => {
    wrap(text, size, usable - indent, font).forEach((t, i) => out.push({ text: t, font, size, indent, before: i === 0 ? before : 0 }));
  };
  add(report.title, 'F2', 18);
  add(report.subtitle, 'F1', 10, 0, 4);
  const block = (b: ReportBlock) => {
    switch (b.kind) {
      case 'text':
        return add(b.text, 'F1', 10, 0, 3);
      case 'field':
        return add(b.value ? `${b.label}: ${b.value}` : `${b.label}:`, 'F1', 10, 0, 3);
      case 'list':
        return b.items.forEach((item) => add(`- ${item}`, 'F1', 10, 12, 2));
      default: {
        const never: never = b;
        return never;
      }
    }
  };
  for (const section of report.sections) {
    add(section.heading, 'F2', 13, 0, 14);
    section.blocks.forEach(block);
  }
  return out;
}

/** Lays lines out on pages: one content stream per page. */
function pages(lines: Line[]): string[] {
  const streams: string[] = [];
  let ops: string[] = [];
  let y = pageHeight - margin;
  const flush = () => {
    streams.push(ops.join('\n'));
    ops = [];
    y = pageHeight - margin;
  };
  for (const line of lines) {
    const advance = line.before + line.size * 1.25;
    if (y - advance < margin && ops.length > 0) flush();
    y -= advance;
    ops.push(`BT /${line.font} ${line.size} Tf ${margin + line.indent} ${y.toFixed(2)} Td (${escapePdf(line.text)}) Tj ET`);
  }
  flush();
  const total = streams.length;
  // Page numbers, so a printed report shows nothing is missing.
  return streams.map((s, i) => `${s}\nBT /F1 8 Tf ${margin} ${margin / 2} Td (Page ${i + 1} of ${total}) Tj ET`);
}

/** The report as a PDF file (bytes). */
export function renderPdf(report: Report): Uint8Array {
  const contents = pages(linesOf(report));
  const objects: string[] = [];
  // 1 catalog, 2 page tree, 3 and 4 fonts, 5 info, then a page and its content per page.
  const pageIds = contents.map((_, i) => 6 + 2 * i);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
  objects[5] = `<< /Title (${escapePdf(toWinAnsi(report.title))}) /Producer (aftersales quality) >>`;
  contents.forEach((stream, i) => {
    objects[pageIds[i]!] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${pageWidth} ${pageHeight}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`;
    objects[pageIds[i]! + 1] = `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`;
  });

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(out, 'latin1');
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}
