import { lazy, type ComponentType } from 'react';
import type { Screen } from '../lib/access';
import type { ScreenProps } from './screen-props';

/**
 * Each screen's view, loaded when first opened: the sign-in page and a role's first screen fetch
 * only their own code, not every role's. The inbox is drawn by the shell, which keeps it live.
 */
export const screenViews: Record<Exclude<Screen, 'inbox'>, ComponentType<ScreenProps>> = {
  registration: lazy(() => import('../features/registration/components/registration-screen').then((m) => ({ default: m.RegistrationScreen }))),
  customers: lazy(() => import('../features/customers/components/customers-screen').then((m) => ({ default: m.CustomersScreen }))),
  board: lazy(() => import('../features/sla-board/components/board').then((m) => ({ default: m.Board }))),
  dispatch: lazy(() => import('../features/dispatch-desk/components/dispatch-desk').then((m) => ({ default: m.DispatchDesk }))),
  jobs: lazy(() => import('../features/field-jobs/components/jobs-screen').then((m) => ({ default: m.JobsScreen }))),
  spares: lazy(() => import('../features/spares-desk/components/spares-desk').then((m) => ({ default: m.SparesDesk }))),
  'eight-d': lazy(() => import('../features/eight-d/components/eight-d-screen').then((m) => ({ default: m.EightDScreen }))),
  finance: lazy(() => import('../features/finance/components/finance-screen').then((m) => ({ default: m.FinanceScreen }))),
  kpis: lazy(() => import('../features/kpis/components/kpi-dashboard').then((m) => ({ default: m.KpiDashboard }))),
  audit: lazy(() => import('../features/audit/components/audit-screen').then((m) => ({ default: m.AuditScreen }))),
  calendars: lazy(() => import('../features/calendars/components/calendars-screen').then((m) => ({ default: m.CalendarsScreen }))),
};
