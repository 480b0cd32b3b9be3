import { deviceAlarmRaisedV1 } from '@aftersales/contracts';
import { defineRoute, identifier, type RouteSpec } from '@aftersales/platform';
import type { AlarmIntake } from '../store/alarms';
import { z } from 'zod';
import { requestRecordView } from './responses';
import { presentRequest } from './views';

const alarmAnswer = z.object({ outcome: z.enum(['opened', 'linked']), serviceRequestId: z.string(), replayed: z.boolean(), serviceRequest: requestRecordView.optional() });
const followRequest = { getServiceRequest: { operationId: 'getServiceRequestsById', parameters: { id: '$response.body#/serviceRequestId' } } };

/** The machine-alarm channel over HTTP, for gateways that cannot publish to Kafka; same rules as the devices.alarms.v1 consumer. */
export function deviceAlarmRoutes(alarms: AlarmIntake): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/device-alarms',
      summary: "A machine's alarm: opens a service request, or joins the open one for the same alarm code on the same machine",
      tags: ['device-alarms'],
      roles: ['platform'],
      // The machine and the alarm are looked up and stored by these ids, so they follow the identifier rule here too.
      body: deviceAlarmRaisedV1.extend({ deviceEventId: identifier, serialNumber: identifier }).strict(),
      responses: {
        201: { description: 'A request was opened: { outcome: "opened", serviceRequestId, serviceRequest }', schema: alarmAnswer, links: followRequest },
        200: { description: 'Linked to an open request, or this alarm was received before: { outcome, serviceRequestId, replayed }', schema: alarmAnswer, links: followRequest },
        409: { description: 'The deviceEventId was received before for another machine or alarm code (field deviceEventId)' },
      },
      handler: async ({ body, requestId, correlationId }) => {
        const result = await alarms.receive(body, { via: 'http', correlationId, causationId: requestId });
        const created = result.outcome === 'opened' && !result.replayed;
        return {
          status: created ? 201 : 200,
          body: {
            outcome: result.outcome,
            serviceRequestId: result.serviceRequestId,
            replayed: result.replayed,
            ...(result.record ? { serviceRequest: presentRequest(result.record) } : {}),
          },
          headers: { location: `/v1/service-requests/${result.serviceRequestId}`, ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}) },
        };
      },
    }),
  ];
}
