/**
 * docs/insight-kpis.md, generated from the definitions the code computes by, so the document an
 * auditor reads cannot drift from the formulas (a unit test compares the two).
 */
import { defaultAuditOptions } from './audit-sample';
import { kpiDefinition, kpiDefinitions, type KpiUnit } from './kpi-definitions';
import { defaultKpiOptions } from './kpi-support';
import { defaultRedFlagThresholds, redFlagRuleDescriptions, type RedFlagRule } from './red-flags';
import { defaultTargets } from './targets';

const unitWords: Record<KpiUnit, string> = {
  percent: 'percent (0–100)',
  hours: 'hours',
  count: 'count',
  cents: 'minor currency units (cents, fen)',
  score: 'score (1–5)',
  ratio: 'ratio',
  'per-1000-machine-years': 'per 1,000 machine-years',
};

export function renderInsightKpisDoc(): string {
  const lines: string[] = [
    '# Insight: what the business measures, red flags, and the auditor\'s sample',
    '',
    '<!-- Generated from services/insight/domain (kpi-definitions.ts, red-flags.ts, targets.ts, audit-sample.ts).',
    '     Do not edit by hand: run `UPDATE_DOCS=1 npx vitest run --project unit services/insight/domain/kpi-docs.unit.test.ts`. -->',
    '',
    'Written for an internal auditor and a business head. Every figure is computed from insight\'s record of each',
    'service request, itself built only from the events the services publish. Every figure lists the requests',
    'behind it, so any number can be opened down to the cases.',
    '',
    '## How to read the figures',
    '',
    '- A period runs from its start up to, not including, its end. Each figure says which requests it counts:',
    '  those *registered*, *closed*, *resolved* or *surveyed* in the period. Parts turnover counts spares\' stock',
    '  *valuations* taken in the period instead, and lists the requests whose jobs consumed the parts.',
    '- Shares are percentages with their numerator and denominator. When there is nothing to count the figure',
    '  is empty ("no data"), never 0 %.',
    '- Money is in minor units (cents, fen) and amounts in different currencies are never added together.',
    '- A figure that cannot be computed from what the services report is empty, with a note naming the',
    '  missing fact; no figure is estimated.',
    `- Repeat window: ${defaultKpiOptions.repeatWindowDays} days. Standard working day: ${defaultKpiOptions.standardDayMinutes / 60} hours. Satisfied: a score of ${defaultKpiOptions.satisfiedScore} or more. Stuck escalation: no new step for ${defaultKpiOptions.stuckEscalationHours} hours.`,
    '- Figures can be read per tier, product line, model, region, customer class, engineer, cost centre and',
    '  channel. A request\'s tier is the one screening gave; its cost centre is the one bearing most of its cost.',
    '  Parts turnover is read as a whole, with its breakdown per stock location: stock is not held per tier or region.',
    '',
    '## The figures',
    '',
  ];
  for (const d of kpiDefinitions) {
    lines.push(`### ${d.label}`, '', `\`${d.id}\` · ${unitWords[d.unit]} · ${d.better} is better`, '', d.definition, '');
  }

  lines.push('## Targets and the monthly scorecard', '');
  lines.push(
    'Each target has an owning department. A target is either a fixed line or last year\'s value improved by a',
    'yearly rate; when both are set, the stricter applies. For a share where higher is better, improving by a rate',
    'closes that part of the shortfall to 100 % (90 % improved by 20 % is 92 %). Each month the scorecard shows,',
    'per department and figure: met, missed, or not measured (no value this month, or no baseline to improve on).',
    '',
    '| Owner | Figure | Slice | Target | Why |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const t of defaultTargets) {
    const { better, unit } = kpiDefinition(t.kpiId);
    const fixed = t.value === undefined ? null : `${better === 'lower' ? 'at most' : 'at least'} ${t.value}${unit === 'percent' ? ' %' : unit === 'cents' ? ' (minor units)' : ''}`;
    const target = [fixed, t.improvementPerYear !== undefined ? `last year improved by ${t.improvementPerYear * 100} %` : null]
      .filter(Boolean)
      .join('; ');
    lines.push(`| ${t.owner} | \`${t.kpiId}\` | ${t.breakdownKey ?? 'all'} | ${target} | ${t.why} |`);
  }
  lines.push('');

  lines.push('## Red flags', '', 'A red flag is a reason to look at the requests behind it, not a verdict. The rules, with their default thresholds:', '');
  for (const [rule, describe] of Object.entries(redFlagRuleDescriptions) as [RedFlagRule, (typeof redFlagRuleDescriptions)[RedFlagRule]][]) {
    lines.push(`- **${rule}**: ${describe(defaultRedFlagThresholds)}`);
  }
  lines.push('');

  lines.push(
    '## The auditor\'s sample',
    '',
    '1. The population is every request registered in the chosen period.',
    '2. It is split into strata by tier and channel (a request not yet screened has tier "none").',
    '3. One request is drawn from every stratum first, so rare strata such as a P1 alarm are always seen; the',
    '   rest of the sample size goes, one at a time, to the stratum furthest below its proportional share (the',
    '   size times its part of the population). With more strata than the size asked for, the sample is one per',
    '   stratum.',
    '4. Within each stratum, requests are taken in order of their id and drawn at random without replacement.',
    '   The random numbers come from a seed the auditor chooses and records: the same seed over the same period',
    '   draws the same sample again.',
    '5. For each request drawn, its lifecycle is shown step by step (registered, answered, dispatched, resolved,',
    '   accepted, closed, followed up, cancelled: done, missing, not yet due, or not applicable) and either proved',
    '   or its gaps listed:',
    '   - registered but never answered;',
    '   - screened valid but never dispatched;',
    '   - closed with no resolution, or without the customer\'s acceptance;',
    `   - never followed up: no survey ${defaultAuditOptions.followUpDays} days after the close;`,
    '   - cancelled without a recorded reason;',
    '   - still open after the date it was needed by;',
    '   - steps recorded out of order.',
    '   A request screened invalid ends at its answer. An open request before its needed-by date is in progress.',
    '6. Registration completeness: which of customer, contact, channel, machine, symptom, raised at, needed by,',
    '   dispatched at, owner, solved at and accepted at are missing. Dispatched at and owner (the request\'s owner,',
    '   else its assigned engineer) are due once the request is screened valid; solved and accepted at once it is',
    '   closed. Contact means a phone number or an e-mail address to reach the person.',
    '',
  );
  return lines.join('\n');
}
