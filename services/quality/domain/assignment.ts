import type { TeamMember } from '@aftersales/workflows';

/**
 * Who champions a new 8D: the quality engineer on duty for the product line (data). The champion
 * owns every discipline until D1 names the team and its owners.
 */
export const champions: Readonly<Record<string, TeamMember>> = {};
export const championOnDuty: TeamMember = { id: 'qe-on-duty', name: 'Quality engineer on duty', role: 'quality engineer' };

export function championFor(productLine: string, table: Readonly<Record<string, TeamMember>> = champions): TeamMember {
  return table[productLine] ?? championOnDuty;
}
