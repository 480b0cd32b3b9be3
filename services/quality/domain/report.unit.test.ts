import { describe, expect, it } from 'vitest';
import { approve, initialEightDState, submit } from '../../../workflows/src/eight-d/engine';
import { renderPdf, textWidth, toWinAnsi, wrap } from './pdf';
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

describe('the PDF writer', () => {
  it('writes a well-formed file: header, objects at the offsets the xref table gives, trailer', () => {
    const bytes = Buffer.from(renderPdf(reportOf(state, [])));
    const text = bytes.toString('latin1');
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    const startxref = Number(/startxref\n(\d+)/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const entries = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    entries.forEach((offset, i) => expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`));
    // Stream lengths match their content.
    for (const m of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) expect(text.slice(m.index + m[0].length + Number(m[1]), m.index + m[0].length + Number(m[1]) + 10)).toBe('\nendstream');
  });

  it('wraps words within the width and keeps every word', () => {
    const sentence = 'The nozzle alloy lot L-2291 was below the hardness specification after the supplier changed its heat treatment without notice';
    const lines = wrap(sentence, 10, 150);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(textWidth(l, 10)).toBeLessThanOrEqual(150);
    expect(lines.join(' ')).toBe(sentence);
  });

  it('maps text outside WinAnsi to plain characters', () => {
    expect(toWinAnsi('“Zhao’s” fix – ok…')).toBe('"Zhao\'s" fix - ok...');
    expect(toWinAnsi('李娜')).toBe('??');
  });
});
