import { ApplicationFailure } from '@temporalio/common';
import { PlatformError, type Platform } from '@aftersales/platform';
import { plannedMaintenanceFlag, type ProactiveVisitActivities } from '@aftersales/workflows';
import { machinesForVisits, plannedMaintenanceKey, plannedMaintenanceRegistration, visitRefusal } from '../domain/proactive-visits';
import type { CustomerDoc, IntakeModels, MachineDoc } from '../store/models';
import { machinesOfCustomer } from '../store/installed-base';
import { createRegistrar, type Registrar } from '../store/registrar';

/** What the activities read of intake's data; a narrow seam so unit tests can stand in for it. */
export interface PlannedMaintenanceStore {
  customer(id: string): Promise<CustomerDoc | null>;
  machine(serial: string): Promise<MachineDoc | null>;
  machinesOf(customerId: string): Promise<MachineDoc[]>;
}

export function createPlannedMaintenanceStore(models: IntakeModels): PlannedMaintenanceStore {
  return {
    customer: (id) => models.customers.findById(id).lean<CustomerDoc>(),
    machine: (serial) => models.machines.findById(serial).lean<MachineDoc>(),
    machinesOf: (customerId) => machinesOfCustomer(models, customerId),
  };
}

export interface PlannedMaintenanceDeps {
  registrar: Pick<Registrar, 'register' | 'byKey'>;
  store: PlannedMaintenanceStore;
  now(): Date;
}

/** A reason the activity must not retry: the workflow records the machine as skipped. */
function permanent(message: string, type: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}

/** Activities of the proactiveVisit workflow; planned-maintenance requests go through the same registrar as every channel. */
export function createProactiveVisitActivities(deps: PlannedMaintenanceDeps): ProactiveVisitActivities {
  return {
    async machinesForPlannedMaintenance({ customerId }) {
      return machinesForVisits(await deps.store.machinesOf(customerId));
    },

    async openPlannedMaintenance({ customerId, serialNumber, scheduledFor, scheduleRunId, scheduleId, note }) {
      const idempotencyKey = plannedMaintenanceKey(scheduleRunId, serialNumber);
      // A retry after the request was stored (the first attempt's answer was lost).
      const earlier = await deps.registrar.byKey(idempotencyKey);
      if (earlier) return { serialNumber, requestId: earlier._id, created: false };
      const [customer, machine] = await Promise.all([deps.store.customer(customerId), deps.store.machine(serialNumber)]);
      const refusal = visitRefusal(customerId, serialNumber, customer, machine);
      if (refusal || !customer || !machine) throw permanent(refusal ?? 'not visitable', 'PlannedMaintenanceNotPossible');
      try {
        const { created, record } = await deps.registrar.register({
          input: plannedMaintenanceRegistration({ customer, machine, scheduledFor: new Date(scheduledFor), note, now: deps.now() }),
          idempotencyKey,
          checkFingerprint: false,
          registeredBy: scheduleId ? `schedule:${scheduleId}` : `workflow:${scheduleRunId}`,
          correlationId: scheduleRunId,
          causationId: scheduleRunId,
          scope: { kind: 'all' },
          // In the registration's own insert: a second write could race the outbox relay on FerretDB v1.
          flags: [plannedMaintenanceFlag],
        });
        return { serialNumber, requestId: record._id, created };
      } catch (error) {
        // The registrar refused the registration itself (422): retrying will not change its mind.
        if (error instanceof PlatformError && !error.retriable) throw permanent(error.message, error.code);
        throw error;
      }
    },
  };
}

/** The activities as the intake worker runs them, on intake's models. */
export function proactiveVisitActivitiesFor(platform: Pick<Platform, 'topic' | 'nudgeOutbox' | 'now' | 'logger'>, models: IntakeModels): ProactiveVisitActivities {
  const registrar = createRegistrar(platform, models);
  return createProactiveVisitActivities({ registrar, store: createPlannedMaintenanceStore(models), now: platform.now });
}
