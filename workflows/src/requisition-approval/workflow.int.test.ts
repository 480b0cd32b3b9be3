import { writeFileSync } from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { ApprovalRequest, EscalationInput, RequisitionApprovalActivities } from './activities';
import { decideRequisitionUpdate, getRequisitionStateQuery, type RequisitionApprovalInput, type RequisitionDecision } from './messages';
import { requisitionApproval } from './workflow';

const testServer = inject('stack').temporalTestServerPath;
const hour = 3_600_000;
const workflowsPath = new URL('../spares-workflows.ts', import.meta.url).pathname;

/**
 * The requisitionApproval workflow on the time-skipping server: approvers' deadlines of hours
 * pass in milliseconds, so escalation order and the lapse are checked at their instants.
 * REQUISITION_HISTORY_OUT=<file> writes the escalated run's history for the replay test.
 */
describe.skipIf(!testServer)('requisitionApproval on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let escalations: EscalationInput[] = [];
  let asked: ApprovalRequest[] = [];
  let decisions: (RequisitionDecision & { requisitionId: string })[] = [];
  const activities: RequisitionApprovalActivities = {
    async askApprover(input) {
      asked.push(input);
    },
    async recordEscalation(input) {
      escalations.push(input);
    },
    async recordDecision(input) {
      decisions.push(input);
    },
  };
  let seq = 0;

  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  });
  beforeEach(async () => {
    escalations = [];
    asked = [];
    decisions = [];
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer! } } });
  });
  afterEach(async () => {
    await env?.teardown();
  });

  const input = (overrides: Partial<RequisitionApprovalInput> = {}): RequisitionApprovalInput => ({
    requisitionId: `REQ-TEST-${++seq}-${Date.now()}`,
    requesterId: 'eng-1',
    approvers: ['lead', 'manager', 'head'],
    deadlineMs: 4 * hour,
    lines: [
      { partNumber: 'P-LENS-B', quantity: 4 },
      { partNumber: 'P-NOZZLE-15', quantity: 10 },
    ],
    reasons: ['value 84000 cents over budget 50000'],
    ...overrides,
  });

  async function run(args: RequisitionApprovalInput, script: (handle: Awaited<ReturnType<typeof env.client.workflow.start<typeof requisitionApproval>>>) => Promise<void>) {
    const taskQueue = `rq-${args.requisitionId}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(requisitionApproval, { taskQueue, workflowId: args.requisitionId, args: [args] });
      try {
        await script(handle);
      } finally {
        await handle.terminate('test finished').catch(() => undefined);
      }
    });
  }

  it('escalates to each next approver at the deadline, in order, and lapses as rejected when nobody answers', async () => {
    const args = input();
    await run(args, async (handle) => {
      const startedAt = Date.parse((await handle.query(getRequisitionStateQuery)).deadlineAt) - 4 * hour;
      const final = await handle.result();
      expect(final.status).toBe('rejected');
      expect(final.escalations.map((e) => [e.level, e.fromApprover, e.toApprover])).toEqual([
        [1, 'lead', 'manager'],
        [2, 'manager', 'head'],
      ]);
      // Each escalation at its approver's deadline: 4 h, then 8 h after the start.
      expect(final.escalations.map((e) => Math.round((Date.parse(e.at) - startedAt) / hour))).toEqual([4, 8]);
      expect(Math.round((Date.parse(final.decision!.at) - startedAt) / hour)).toBe(12);
      expect(escalations.map((e) => e.toApprover)).toEqual(['manager', 'head']);
      // Each approver is asked as their turn starts, with their own deadline.
      expect(asked.map((a) => [a.level, a.approver, Math.round((Date.parse(a.deadlineAt) - startedAt) / hour)])).toEqual([
        [0, 'lead', 4],
        [1, 'manager', 8],
        [2, 'head', 12],
      ]);
      expect(decisions).toEqual([expect.objectContaining({ requisitionId: args.requisitionId, decision: 'rejected', by: 'system', lapsed: true })]);
      if (process.env.REQUISITION_HISTORY_OUT) writeFileSync(process.env.REQUISITION_HISTORY_OUT, historyToJSON(await handle.fetchHistory()));
    });
  });

  it('lets the escalated-to approver partially approve; the one not yet asked and the requester are refused', async () => {
    const args = input();
    await run(args, async (handle) => {
      await expect(handle.executeUpdate(decideRequisitionUpdate, { args: [{ by: 'eng-1', outcome: 'approve' }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(handle.executeUpdate(decideRequisitionUpdate, { args: [{ by: 'manager', outcome: 'approve' }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await env.sleep(4 * hour + 60_000);
      expect((await handle.query(getRequisitionStateQuery)).currentApprover).toBe('manager');
      const after = await handle.executeUpdate(decideRequisitionUpdate, { args: [{ by: 'manager', outcome: 'partial', lines: [{ partNumber: 'P-LENS-B', approved: 2 }, { partNumber: 'P-NOZZLE-15', approved: 10 }], note: 'two lenses are enough' }] });
      expect(after.status).toBe('partially-approved');
      const final = await handle.result();
      expect(final.decision?.lines).toEqual([
        { partNumber: 'P-LENS-B', requested: 4, approved: 2 },
        { partNumber: 'P-NOZZLE-15', requested: 10, approved: 10 },
      ]);
      expect(escalations).toHaveLength(1);
      expect(decisions).toEqual([expect.objectContaining({ decision: 'partially-approved', by: 'manager', lapsed: false })]);
    });
  });

  it('the first approver approves in time: no escalation, approved in full', async () => {
    await run(input(), async (handle) => {
      await env.sleep(hour);
      await handle.executeUpdate(decideRequisitionUpdate, { args: [{ by: 'lead', outcome: 'approve' }] });
      const final = await handle.result();
      expect(final.status).toBe('approved');
      expect(final.escalations).toEqual([]);
      expect(decisions.map((d) => d.decision)).toEqual(['approved']);
    });
  });
});
