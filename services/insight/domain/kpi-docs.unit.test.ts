import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kpiDefinitions } from './kpi-definitions';
import { renderInsightKpisDoc } from './kpi-docs';
import { redFlagRuleDescriptions } from './red-flags';

const docPath = fileURLToPath(new URL('../../../docs/insight-kpis.md', import.meta.url));

describe('docs/insight-kpis.md', () => {
  it('is exactly what the definitions render (UPDATE_DOCS=1 rewrites it)', () => {
    const rendered = renderInsightKpisDoc();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(docPath, rendered);
    expect(readFileSync(docPath, 'utf8')).toBe(rendered);
  });

  it('defines every figure and every red-flag rule', () => {
    const rendered = renderInsightKpisDoc();
    for (const d of kpiDefinitions) expect(rendered).toContain(`\`${d.id}\``);
    for (const rule of Object.keys(redFlagRuleDescriptions)) expect(rendered).toContain(`**${rule}**`);
    // The thresholds are stated as numbers, not left to the code.
    expect(rendered).toContain('more than 3× the median');
    expect(rendered).toContain('at least 5 such other requests');
  });

  it('every definition says which requests it counts', () => {
    for (const d of kpiDefinitions) expect(d.definition, d.id).toMatch(/registered|closed|resolved|answered|open now|consumed/);
  });
});
