import { describe, expect, it } from 'vitest';
import { approve, initialEightDState, submit } from '../../../workflows/src/eight-d/engine';
import { renderPdf } from './pdf';
import { renderReportHtml, reportOf } from './report';

const state = (() => {
  let s = initialEightDState({
    eightDId: '8D-LC-A-1',
    problem: { productLine: 'laser', model: 'LC-3015', failureMode: 'FM-A' },
    rule: 'severe',
    reason: 'a severe failure',
    linkedTo: '8D-LC-2010-A-1',
    failureRecordIds: ['FR-1'],
    openedAt: '2026-12-01T00:00:00.000Z',
    champion: { id: 'qe-li', name: 'Li Na', role: 'quality engineer' },
  });
  s = submit(s, { by: 'qe-li', content: { discipline: 'D0', actions: 'Stop <oxygen> cutting & call us' } }, Date.parse('2026-12-01T01:00:00Z')).state;
  return approve(s, { discipline: 'D0', by: 'qm' }, Date.parse('2026-12-01T02:00:00Z')).state;
})();

describe('the 8D report', () => {
  it('is built from the state: problem, link, every discipline with its owner, pending ones said to be pending', () => {
    const report = reportOf(state, []);
    const all = JSON.stringify(report);
    expect(report.title).toBe('8D report 8D-LC-A-1');
    expect(all).toContain('Follows');
    expect(all).toContain('8D-LC-2010-A-1');
    for (const d of ['D0 Emergency response', 'D4 Root cause', 'D8 Close and recognise the team']) expect(all).toContain(`${d}: owner Li Na (qe-li)`);
    expect(all).toContain('Not yet submitted (not started)');
  });

  it('escapes what people typed in the HTML', () => {
    const html = renderReportHtml(reportOf(state, []));
    expect(html).toContain('Stop &lt;oxygen&gt; cutting &amp; call us');
    expect(html).not.toContain('<oxygen>');
  });
});

describe('the PDF', () => {
  it('is a PDF with the report\u2019s fonts embedded as subsets with a text map, so any script prints and copies', async () => {
    const report = reportOf(state, []);
    report.sections.push({ heading: '根本原因', blocks: [{ kind: 'text', text: '激光器不出光; Müller' }] });
    const text = Buffer.from(await renderPdf(report)).toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    // Subset fonts carry a six-letter tag before their name; each has its glyph program and a ToUnicode map.
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Regular/);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Bold/);
    expect(text).toContain('/FontFile2');
    expect(text).toContain('/ToUnicode');
  });
});
