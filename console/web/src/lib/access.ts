/**
 * Which screens a role may open: each screen lists the roles intake's routes name (x-roles in its
 * OpenAPI document), so the console offers only what the API would answer.
 *   registration: POST /v1/service-requests (agent, manager, platform, dealer) and
 *                 GET /v1/machines/:serial, which every one of them may read
 *   board:        GET /v1/sla-board (agent, dispatcher, manager, auditor, platform)
 *   calendars:    POST /v1/calendars/:id/holiday-imports (manager, platform); others may read
 *                 calendars through the API but keep none
 *   inbox:        notifications' GET /v1/people/:id/notices (every staff role; dealers have none)
 */
export type Screen = 'registration' | 'board' | 'calendars' | 'inbox';

export const screenRoles: Record<Screen, readonly string[]> = {
  registration: ['agent', 'manager', 'platform', 'dealer'],
  board: ['agent', 'dispatcher', 'manager', 'auditor', 'platform'],
  calendars: ['manager', 'platform'],
  inbox: ['agent', 'dispatcher', 'engineer', 'depot', 'spares', 'quality', 'finance', 'manager', 'auditor', 'platform'],
};

export function screensFor(roles: readonly string[]): Screen[] {
  return (Object.keys(screenRoles) as Screen[]).filter((screen) => screenRoles[screen].some((role) => roles.includes(role)));
}
