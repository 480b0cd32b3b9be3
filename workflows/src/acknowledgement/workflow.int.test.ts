import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AcknowledgementActivities } from './activities';
import { acknowledgedSignal, getAcknowledgementStateQuery, type Acknowledgement, type AcknowledgementChainInput } from './messages';
import { acknowledgementChain } from './workflow';

const testServer = inject('stack').temporalTestServerPath;
const minute = 60_000;
const workflowsPath = new URL('../notifications-workflows.ts', import.meta.url).pathname;

/**
 * The acknowledgementChain workflow on the time-skipping server: windows of minutes pass in
 * milliseconds, so who is told next, and when, is checked at its instant.
 */
describe.skipIf(!testServer)('acknowledgementChain on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let passed: { level: number; from: string; to: string }[] = [];
  let recorded: Acknowledgement | null = null;
  const activities: AcknowledgementActivities = {
    async passOn({ level, from, to }) {
      if (recorded) return { acknowledged: recorded };
      passed.push({ level, from, to });
      return { told: `NTC-${level}` };
    },
  };
  let seq = 0;

  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  });
  beforeEach(async () => {
    passed = [];
    recorded = null;
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer! } } });
  });
  afterEach(async () => {
    await env?.teardown();
  });

  const input = (): AcknowledgementChainInput => ({ noticeId: `NTC-ROOT-${++seq}-${Date.now()}`, chain: ['sup', 'stand-in', 'manager'], windowMs: 15 * minute });

  async function run(args: AcknowledgementChainInput, script: (handle: Awaited<ReturnType<typeof env.client.workflow.start<typeof acknowledgementChain>>>) => Promise<void>) {
    const taskQueue = `ack-${args.noticeId}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(acknowledgementChain, { taskQueue, workflowId: `ack-${args.noticeId}`, args: [args] });
      try {
        await script(handle);
      } finally {
        await handle.terminate('test finished').catch(() => undefined);
      }
    });
  }

  it('nobody acknowledges: the stand-in after one window, the manager after two, then the chain is exhausted', async () => {
    await run(input(), async (handle) => {
      const startedAt = Date.parse((await handle.query(getAcknowledgementStateQuery)).windowEndsAt) - 15 * minute;
      const final = await handle.result();
      expect(final.status).toBe('exhausted');
      expect(final.passedOn.map((p) => [p.level, p.from, p.to, p.noticeId])).toEqual([
        [1, 'sup', 'stand-in', 'NTC-1'],
        [2, 'stand-in', 'manager', 'NTC-2'],
      ]);
      expect(final.passedOn.map((p) => Math.round((Date.parse(p.at) - startedAt) / minute))).toEqual([15, 30]);
      expect(passed).toHaveLength(2);
    });
  });

  it('the stand-in acknowledges: the manager is never told', async () => {
    await run(input(), async (handle) => {
      await env.sleep(16 * minute);
      expect((await handle.query(getAcknowledgementStateQuery)).current).toBe('stand-in');
      await handle.signal(acknowledgedSignal, { noticeId: 'NTC-1', by: 'stand-in', at: new Date().toISOString() });
      const final = await handle.result();
      expect([final.status, final.acknowledged?.by]).toEqual(['acknowledged', 'stand-in']);
      expect(passed.map((p) => p.to)).toEqual(['stand-in']);
    });
  });

  it('an acknowledgement whose signal was lost is found recorded before anyone else is told', async () => {
    await run(input(), async (handle) => {
      recorded = { noticeId: 'root', by: 'sup', at: new Date().toISOString() };
      const final = await handle.result();
      expect([final.status, final.acknowledged?.by, final.passedOn]).toEqual(['acknowledged', 'sup', []]);
      expect(passed).toEqual([]);
    });
  });
});
