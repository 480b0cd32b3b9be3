/**
 * Which screens a role may open: each screen lists the roles its services' routes name (x-roles in
 * their OpenAPI documents), so the console offers only what the API would answer.
 *   registration: intake POST /v1/service-requests (agent, manager, platform, dealer) and
 *                 GET /v1/machines/:serial, which every one of them may read
 *   customers:    intake GET /v1/customers/:id and the machines, contracts and requests behind it
 *   board:        intake GET /v1/sla-board (agent, dispatcher, manager, auditor, platform)
 *   dispatch:     dispatch's work orders, candidates, assignment, engineers' schedules, depot queue
 *   jobs:         dispatch's work orders assigned to the signed-in engineer
 *   spares:       spares' stock, reservations, requisitions, returns, supplier claims, quotes
 *   eight-d:      quality's 8D board, discipline forms, recurrences and failure records
 *   finance:      spares' GET /v1/cost-allocation (finance, spares, manager, auditor: not platform) and cost rules
 *   kpis:         insight GET /v1/kpis, its drill-down, exports, definitions and /v1/scorecard (manager,
 *                 auditor, platform) and intake GET /v1/sla-board: offered to the business head and the auditor
 *   audit:        insight GET /v1/red-flags, /v1/audit-sample and /v1/cases/:id (manager, auditor, platform),
 *                 read-only: offered to the auditor and the business head
 *   calendars:    intake POST /v1/calendars/:id/holiday-imports (manager, platform)
 *   inbox:        notifications' GET /v1/people/:id/notices (every staff role; dealers have none)
 * Each feature checks its own line against its routes' x-roles.
 */
export type Screen = 'registration' | 'customers' | 'board' | 'dispatch' | 'jobs' | 'spares' | 'eight-d' | 'finance' | 'kpis' | 'audit' | 'calendars' | 'inbox';

export const screenRoles: Record<Screen, readonly string[]> = {
  registration: ['agent', 'manager', 'platform', 'dealer'],
  customers: ['agent', 'manager', 'auditor', 'platform', 'dealer'],
  board: ['agent', 'dispatcher', 'manager', 'auditor', 'platform'],
  dispatch: ['dispatcher', 'manager'],
  jobs: ['engineer'],
  spares: ['spares', 'manager', 'platform'],
  'eight-d': ['quality', 'manager', 'auditor', 'platform'],
  finance: ['finance', 'manager', 'auditor'],
  kpis: ['manager', 'auditor'],
  audit: ['manager', 'auditor'],
  calendars: ['manager', 'platform'],
  inbox: ['agent', 'dispatcher', 'engineer', 'depot', 'spares', 'quality', 'finance', 'manager', 'auditor', 'platform'],
};

export function screensFor(roles: readonly string[]): Screen[] {
  return (Object.keys(screenRoles) as Screen[]).filter((screen) => screenRoles[screen].some((role) => roles.includes(role)));
}
