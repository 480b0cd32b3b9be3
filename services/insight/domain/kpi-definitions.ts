/**
 * What each figure means, in the words an auditor and a business head read (docs/insight-kpis.md
 * is generated from this list). Each definition says which cases it counts. Shares are percent
 * (0–100) with the exact numerator and denominator beside them; "no data" is null, never 0.
 */
export type KpiId =
  | 'first-response-median-hours'
  | 'first-response-p90-hours'
  | 'valid-to-dispatch-median-hours'
  | 'valid-to-dispatch-p90-hours'
  | 'valid-dispatched-share'
  | 'first-time-fix'
  | 'repair-success'
  | 'repeat-failure-rate'
  | 'sla-attainment'
  | 'sla-first-response-attainment'
  | 'sla-on-site-attainment'
  | 'sla-resolution-attainment'
  | 'mttr-hours'
  | 'complaint-rate'
  | 'satisfaction-mean'
  | 'satisfaction-share-4-plus'
  | 'in-warranty-parts-cost'
  | 'cost-per-case'
  | 'revenue-to-cost'
  | 'cost-to-serve-margin'
  | 'parts-turnover'
  | 'engineer-utilisation'
  | 'resolved-per-engineer'
  | 'failure-rate'
  | 'stuck-escalations';

export type KpiUnit = 'percent' | 'hours' | 'count' | 'cents' | 'score' | 'ratio' | 'per-1000-machine-years';

export interface KpiDefinition {
  id: KpiId;
  label: string;
  unit: KpiUnit;
  definition: string;
  better: 'higher' | 'lower';
}

/** One slice of a figure that the business reads per tier, cost centre, customer, engineer or model. */
export interface KpiBreakdown {
  key: string;
  value: number | null;
  numerator?: number;
  denominator?: number;
  caseIds: string[];
}

export interface KpiValue {
  id: KpiId;
  value: number | null;
  numerator?: number;
  denominator?: number;
  /** The cases behind the figure, for drill-down. */
  caseIds: string[];
  note?: string;
  /** Present where the figure is read per slice (complaint rate per tier, cost per cost centre, ...). */
  breakdown?: KpiBreakdown[];
}

const def = (id: KpiId, label: string, unit: KpiUnit, better: 'higher' | 'lower', definition: string): KpiDefinition => ({ id, label, unit, better, definition });

export const kpiDefinitions: readonly KpiDefinition[] = [
  def('first-response-median-hours', 'First response time (median)', 'hours', 'lower',
    'Median hours from registration to screening\'s decision (the first answer to the customer), over requests registered in the period that have been screened.'),
  def('first-response-p90-hours', 'First response time (90th percentile)', 'hours', 'lower',
    'The 90th percentile (nearest rank) of hours from registration to screening\'s decision, over requests registered in the period that have been screened.'),
  def('valid-to-dispatch-median-hours', 'Valid to dispatch (median)', 'hours', 'lower',
    'Median hours from screening a request valid to the first assignment of an engineer, over requests registered in the period, screened valid and assigned.'),
  def('valid-to-dispatch-p90-hours', 'Valid to dispatch (90th percentile)', 'hours', 'lower',
    'The 90th percentile (nearest rank) of hours from screening a request valid to the first assignment of an engineer, over requests registered in the period, screened valid and assigned.'),
  def('valid-dispatched-share', 'Valid requests dispatched', 'percent', 'higher',
    'Of the requests registered in the period and screened valid, the share that had an engineer assigned. A request cancelled before any assignment is left out (the customer withdrew it); one still waiting counts against the figure. It should be 100 %.'),
  def('first-time-fix', 'First-time fix', 'percent', 'higher',
    'Of the requests closed in the period whose engineer reported whether the first visit fixed it, the share fixed at the first visit.'),
  def('repair-success', 'Repair success', 'percent', 'higher',
    'Of the requests closed in the period (not complaints), the share the customer accepted and whose machine did not come back: no other request (not a complaint) was registered for the same serial number within the repeat window (30 days) after the close. Closures less than 30 days ago may still turn into repeats.'),
  def('repeat-failure-rate', 'Repeat failures within 30 days', 'percent', 'lower',
    'Of the requests closed in the period (not complaints), the share whose machine came back: another request, not a complaint, was registered for the same serial number within the repeat window (30 days) after the close. The case counted is the one that was closed; the later request may fall after the period.'),
  def('sla-attainment', 'SLA attainment', 'percent', 'higher',
    'Of the requests closed in the period whose close said whether every promise was kept, the share that kept them all. Read per tier with the tier dimension.'),
  def('sla-first-response-attainment', 'SLA attainment: first response', 'percent', 'higher',
    'Of the requests registered in the period whose first-response clock has decided (screened, or breached), the share without a first-response breach. The breakdown is per tier.'),
  def('sla-on-site-attainment', 'SLA attainment: on site', 'percent', 'higher',
    'Of the requests registered in the period whose on-site clock has decided (an engineer arrived, or the clock breached), the share without an on-site breach. Requests fixed without a visit are not counted. The breakdown is per tier.'),
  def('sla-resolution-attainment', 'SLA attainment: resolution', 'percent', 'higher',
    'Of the requests registered in the period whose resolution clock has decided (resolved, or breached), the share without a resolution breach. The breakdown is per tier.'),
  def('mttr-hours', 'Mean time to repair', 'hours', 'lower',
    'Mean hours from registration to resolution (the engineer\'s fix, before the customer\'s acceptance), over requests resolved in the period.'),
  def('complaint-rate', 'Complaint rate', 'percent', 'lower',
    'Of the requests closed in the period that are not themselves complaints, the share about which a complaint was opened (a complaint request names it, or the case records a complaint). The breakdown is per tier (the tier screening gave).'),
  def('satisfaction-mean', 'Satisfaction (mean score)', 'score', 'higher',
    'Mean follow-up survey score (1–5) over the surveys answered in the period.'),
  def('satisfaction-share-4-plus', 'Satisfied customers (score 4 or 5)', 'percent', 'higher',
    'Of the follow-up surveys answered in the period, the share scoring 4 or more.'),
  def('in-warranty-parts-cost', 'In-warranty parts cost', 'cents', 'lower',
    'Sum of the part cost lines covered by warranty or contract, over requests closed in the period, in minor units (cents/fen); the breakdown is per cost centre that bears it. Costs in different currencies are never added: a mixed total is null and the breakdown is per cost centre and currency.'),
  def('cost-per-case', 'Service cost per case', 'cents', 'lower',
    'Total of every cost line (parts, labour, travel, whoever bears it) divided by the number of requests closed in the period, in minor units. Null when currencies are mixed.'),
  def('revenue-to-cost', 'Service revenue against service cost', 'ratio', 'higher',
    'Service revenue (paid work the customer accepted) divided by service cost (every cost line, whoever bears it), over requests closed in the period. Above 1 the service pays for itself. Null when currencies differ or there is no cost.'),
  def('cost-to-serve-margin', 'Cost to serve: margin per customer', 'cents', 'higher',
    'Service revenue minus service cost (every cost line) over requests closed in the period, in minor units; the breakdown is per customer, worst first. A negative margin is an account that costs more to serve than it buys.'),
  def('parts-turnover', 'Parts turnover', 'ratio', 'higher',
    'Annualised: turns of parts stock a year, to compare with a yearly target (4 = stock turned four times a year). From spares\' stock valuations (each location\'s stock valued once a UTC day at the unit cost spares charges cases, with the units consumed by jobs since the location\'s previous valuation): the cost of the parts consumed that the valuations taken in the period counted, divided by the average value of stock held (the mean, over the days valued in the period, of every location\'s stock value that day, units in transit counted where they are going), times 365.25 over the days that consumption covers (from the valuation before the period\'s first to its last; a location\'s first valuation counts from the period\'s start). The breakdown is per location; the cases are the requests whose jobs consumed the parts. Null with a note when no valuation falls in the period, when currencies differ, when no stock was held, or when the report is split or filtered by a case dimension (stock is not held per tier or region).'),
  def('engineer-utilisation', 'Engineer utilisation', 'percent', 'higher',
    'Reported effort plus travel minutes on requests resolved in the period, divided by the engineers\' available time: a standard day of 8 hours (480 minutes) times the working days (Monday to Friday, UTC, no holiday calendar) in the period, for each engineer who resolved a request in the period. Breakdown per engineer; above 100 % means overtime or over-reporting.'),
  def('resolved-per-engineer', 'Productivity: requests resolved per engineer', 'count', 'higher',
    'Requests resolved in the period divided by the number of engineers who resolved any; the breakdown gives each engineer\'s count.'),
  def('failure-rate', 'Failure rate per model', 'per-1000-machine-years', 'lower',
    'Requests registered in the period whose failure was categorised as a quality failure, wear or other (not misuse, not no-fault-found), per 1,000 machine-years that machines of that model were in service during the period. The breakdown is per model; the total counts models present in the installed base.'),
  def('stuck-escalations', 'Escalations stuck past their ladder', 'count', 'lower',
    'Requests open now (not closed, not cancelled) whose last escalation step is older than the threshold (24 hours): nobody moved the ladder on. A snapshot at the time of asking, not limited to the period.'),
];

export function kpiDefinition(id: KpiId): KpiDefinition {
  const found = kpiDefinitions.find((d) => d.id === id);
  if (!found) throw new Error(`unknown KPI ${id}`);
  return found;
}
