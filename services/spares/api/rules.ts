import { managedRecordRoutes, type RouteSpec } from '@aftersales/platform';
import type { SparesRules } from '../store/rules';

const ruleReaders = ['spares', 'finance', 'manager', 'auditor', 'platform', 'depot'] as const;

/** Requisition approval rules (spares and managers write) and cost rules (finance and managers write), as versions. */
export function sparesRuleRoutes(rules: SparesRules): RouteSpec[] {
  return [
    ...managedRecordRoutes({ path: '/v1/requisition-approval-rules', tag: 'rules', what: 'requisition approval rules', records: rules.approval, readers: ruleReaders, writers: ['spares', 'manager', 'platform'] }),
    ...managedRecordRoutes({ path: '/v1/cost-rules', tag: 'rules', what: 'cost rules', records: rules.cost, readers: ruleReaders, writers: ['finance', 'manager', 'platform'] }),
  ];
}
