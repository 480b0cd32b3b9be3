import { managedRecordRoutes, type RouteSpec } from '@aftersales/platform';
import { approvalRules, costRules } from '../domain/managed-rules';
import type { SparesRules } from '../store/rules';

const ruleReaders = ['spares', 'finance', 'manager', 'auditor', 'platform', 'depot'] as const;

/** Requisition approval rules (spares and managers write) and cost rules (finance and managers write), as versions. */
export function sparesRuleRoutes(rules: SparesRules): RouteSpec[] {
  return [
    ...managedRecordRoutes({ path: '/v1/requisition-approval-rules', tag: 'rules', what: 'requisition approval rules', records: rules.approval, readers: ruleReaders, writers: ['spares', 'manager', 'platform'], bodySchema: approvalRules, inputSchema: approvalRules }),
    ...managedRecordRoutes({ path: '/v1/cost-rules', tag: 'rules', what: 'cost rules', records: rules.cost, readers: ruleReaders, writers: ['finance', 'manager', 'platform'], bodySchema: costRules, inputSchema: costRules }),
  ];
}
