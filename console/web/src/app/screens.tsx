import type { ComponentType } from 'react';
import type { Screen } from '../lib/access';
import { CalendarsScreen } from '../features/calendars/components/calendars-screen';
import { CustomersScreen } from '../features/customers/components/customers-screen';
import { DispatchDesk } from '../features/dispatch-desk/components/dispatch-desk';
import { EightDScreen } from '../features/eight-d/components/eight-d-screen';
import { JobsScreen } from '../features/field-jobs/components/jobs-screen';
import { FinanceScreen } from '../features/finance/components/finance-screen';
import { KpiDashboard } from '../features/kpis/components/kpi-dashboard';
import { RegistrationScreen } from '../features/registration/components/registration-screen';
import { Board } from '../features/sla-board/components/board';
import { SparesDesk } from '../features/spares-desk/components/spares-desk';
import type { ScreenProps } from './screen-props';

/** Each screen's view; the inbox is drawn by the shell, which keeps it live on every screen. */
export const screenViews: Record<Exclude<Screen, 'inbox'>, ComponentType<ScreenProps>> = {
  registration: RegistrationScreen,
  customers: CustomersScreen,
  board: Board,
  dispatch: DispatchDesk,
  jobs: JobsScreen,
  spares: SparesDesk,
  'eight-d': EightDScreen,
  finance: FinanceScreen,
  kpis: KpiDashboard,
  calendars: CalendarsScreen,
};
