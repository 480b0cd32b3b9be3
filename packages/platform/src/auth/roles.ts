export const roles = [
  'agent',
  'dispatcher',
  'engineer',
  'depot',
  'spares',
  'quality',
  'finance',
  'manager',
  'auditor',
  'dealer',
  'platform',
] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  sub: string;
  roles: Role[];
  /** Set for dealer users: they see and register only their own end users and machines. */
  dealerId?: string;
}
