/**
 * The 8D report as a PDF, laid out by PDFKit with Noto Sans SC embedded (subset to the glyphs the
 * report uses), so Chinese, German and every other script a customer or engineer writes print as
 * written. PDFKit rather than our own writer: it subsets and embeds TrueType fonts, maps text to
 * glyphs with ToUnicode (so the text can be copied and searched) and breaks lines by Unicode's
 * rules, Chinese included.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { Report, ReportBlock } from './report';

const require = createRequire(import.meta.url);

/** The fonts' bytes, read once: about 10 MB each, subset per document by PDFKit. */
let fonts: { regular: Buffer; bold: Buffer } | null = null;
function loadFonts() {
  fonts ??= {
    regular: readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf')),
    bold: readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf')),
  };
  return fonts;
}

const margin = 56;

/** The report as a PDF file (bytes): A4, numbered pages. */
export function renderPdf(report: Report): Promise<Uint8Array> {
  const { regular, bold } = loadFonts();
  const doc = new PDFDocument({ size: 'A4', margin, bufferPages: true, info: { Title: report.title, Producer: 'aftersales quality' }, lang: 'zh-CN' });
  doc.registerFont('text', regular);
  doc.registerFont('heading', bold);
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });

  const write = (text: string, font: 'text' | 'heading', size: number, options: { indent?: number; before?: number } = {}) => {
    if (options.before) doc.moveDown(options.before / size);
    doc.font(font).fontSize(size).text(text, margin + (options.indent ?? 0), undefined, { width: doc.page.width - 2 * margin - (options.indent ?? 0) });
  };
  const block = (b: ReportBlock) => {
    switch (b.kind) {
      case 'text':
        return write(b.text, 'text', 10, { before: 3 });
      case 'field':
        return write(b.value ? `${b.label}: ${b.value}` : `${b.label}:`, 'text', 10, { before: 3 });
      case 'list':
        return b.items.forEach((item) => write(`- ${item}`, 'text', 10, { indent: 12, before: 2 }));
      default: {
        const never: never = b;
        return never;
      }
    }
  };

  write(report.title, 'heading', 18);
  write(report.subtitle, 'text', 10, { before: 4 });
  for (const section of report.sections) {
    write(section.heading, 'heading', 13, { before: 14 });
    section.blocks.forEach(block);
  }
  // Page numbers, so a printed report shows nothing is missing.
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    // The footer sits in the bottom margin; with the margin kept, PDFKit would start a new page for it.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('text').fontSize(8).text(`Page ${i + 1} of ${count}`, margin, doc.page.height - margin / 2 - 8, { lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
