import { describe, expect, it } from 'vitest';
import { registrationBody } from './support/demo';
import { readTopic } from './support/kafka';
import { withMongo } from './support/mongo';
import { api, ServiceProcess } from './support/services';
import { useTestBed } from './support/testbed';

/**
 * The relay sweeps the stored documents only when a writer stops beating (no timer), so this kills
 * an API process between a record's insert and its pending entry
 * (OUTBOX_FAULT_KILL_BEFORE_ENTRY) while a worker process keeps running, started before the
 * record (its start sweep cannot have seen it): the worker must find the dead writer (its pid gone
 * from this host) and publish the record's event, without the API process ever coming back.
 */
describe('an API process killed between a record and its pending entry', () => {
  const bed = useTestBed('writer-crash', { intake: { SEED_DEMO_DATA: 'true', PROCESS_ROLE: 'worker' } });
  const { stack, ns } = bed;

  it('is taken for dead once its pid is gone, and the worker publishes the record it left', { timeout: 240_000 }, async () => {
    const apiProcess = await ServiceProcess.start('intake', ns, stack, { PROCESS_ROLE: 'api', OUTBOX_FAULT_KILL_BEFORE_ENTRY: 'true' });
    try {
      const answered = await api(apiProcess, 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody() }).then((r) => `answered ${r.status}`, () => 'no answer');
      expect(answered, 'the fault point was not reached').toBe('no answer');
      await apiProcess.kill(); // already dead; waits for its exit
      const killedAt = Date.now();

      // What the crash left: a record with its event and no pending entry naming it.
      const left = await withMongo(stack.mongoUrl, async (client) => {
        const db = client.db(`${ns}_intake`);
        const record = await db.collection('serviceRequests').findOne({ outbox: { $exists: true }, idempotencyKey: { $exists: true } }, { sort: { registeredAt: -1 } });
        const entry = record ? await db.collection('outboxPending').findOne({ _id: `serviceRequests|${String(record._id)}` as never }) : null;
        return { id: record?._id as string | undefined, entry };
      });
      expect(left.id).toBeDefined();
      expect(left.entry).toBeNull();
      bed.started.push(left.id!);

      // The worker's relay, checking the writers every 15 s, finds the writer's pid gone from this
      // host once its last beat is 25 s old; a heartbeat of another host would wait out the 60 s
      // of staleness, so the 55 s allowed here from the kill fail if the pid is not what it reads.
      const messages = (await readTopic(stack.kafkaBrokers, `${ns}.intake.service-requests.v1`, { atLeast: 1, timeoutMs: 55_000 - (Date.now() - killedAt) })).filter((m) => m.key === left.id);
      expect(messages).toHaveLength(1);
      expect((JSON.parse(messages[0]!.value) as { type: string }).type).toBe('service-request.registered');
      // The dead writer's heartbeat is gone with the sweep; the worker's own stays, beside the collections' markers.
      const writers = await withMongo(stack.mongoUrl, (client) => client.db(`${ns}_intake`).collection('outboxWriters').find({}).toArray());
      expect(writers.filter((w) => w.kind !== 'tracked').map((w) => w.kind)).toEqual(['process']);
      expect(writers.filter((w) => w.kind === 'tracked').map((w) => w._id)).toContain('tracked|serviceRequests');
    } finally {
      await apiProcess.stop().catch(() => undefined);
    }
  });
});
