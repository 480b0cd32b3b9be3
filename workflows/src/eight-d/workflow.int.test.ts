import { writeFileSync } from 'node:fs';
import { WorkflowUpdateFailedError, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { eventually } from '@aftersales/platform/testing';
import type { EightDActivities, EightDFact, KnowledgeArticleInput, RecordEightDInput } from './activities';
import { defaultEscalationChain } from './engine';
import { workflowInterceptorModules } from '../index';
import {
  approveDisciplineUpdate,
  assignDisciplineUpdate,
  getEightDQuery,
  sendBackDisciplineUpdate,
  submitDisciplineUpdate,
  type DisciplineContent,
  type EightDInput,
  type EightDState,
} from './messages';
import type { eightD } from './workflow';

const testServer = inject('stack').temporalTestServerPath;
const minute = 60_000;
const hour = 60 * minute;
const workflowsPath = new URL('../quality-workflows.ts', import.meta.url).pathname;
// RECORD_EIGHT_D_HISTORIES=1 writes each finished run's history for the replay test.
const recordHistories = process.env.RECORD_EIGHT_D_HISTORIES === '1';

const team = [
  { id: 'qe-li', name: 'Li Na', role: 'quality engineer (champion)' },
  { id: 'fe-wang', name: 'Wang Lei', role: 'field service engineer' },
  { id: 'sc-zhao', name: 'Zhao Min', role: 'supply chain' },
  { id: 'de-chen', name: 'Chen Jie', role: 'design engineer' },
  { id: 'pe-sun', name: 'Sun Yu', role: 'production engineer' },
];

/**
 * The eightD workflow on the time-skipping test server: weeks pass in seconds on a real Temporal
 * server, so an overdue D3 is seen escalating level by level at its instants, and a whole 8D is
 * walked from D0 to D8.
 */
describe.skipIf(!testServer)('eightD workflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let recorded: RecordEightDInput[];
  let articles: KnowledgeArticleInput[];
  const activities: EightDActivities = {
    async recordEightD(input) {
      recorded.push(input);
    },
    async publishKnowledgeArticle(input) {
      articles.push(input);
      return { articleId: `KB-${input.eightDId}`, version: 1 };
    },
  };
  let seq = 0;

  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  });
  beforeEach(async () => {
    recorded = [];
    articles = [];
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer! } } });
  });
  afterEach(async () => {
    await env?.teardown();
  });

  const facts = (): EightDFact[] => recorded.flatMap((r) => r.facts);
  // An update answers before the workflow's next activity stores its facts.
  const published = (kind: EightDFact['kind'], count: number) =>
    eventually(`${count} ${kind} fact(s)`, async () => {
      const found = facts().filter((f) => f.kind === kind);
      return found.length >= count ? found : undefined;
    }, { timeoutMs: 20_000, intervalMs: 50 });

  async function run(options: { historyLimit?: number; history?: string }, script: (handle: WorkflowHandleWithFirstExecutionRunId<typeof eightD>, input: EightDInput) => Promise<void>) {
    const eightDId = `8D-TEST-${++seq}-${Date.now()}`;
    const taskQueue = `q-${eightDId}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities, interceptors: { workflowModules: workflowInterceptorModules } });
    const input: EightDInput = {
      eightDId,
      problem: { productLine: 'laser-cutting', model: 'LC-3015', failureMode: 'FM-NOZZLE-CRACK' },
      rule: 'same-model-repeat',
      reason: '3 failures of FM-NOZZLE-CRACK on LC-3015 within 90 days',
      linkedTo: null,
      failureRecordIds: ['FR-1', 'FR-2', 'FR-3'],
      openedAt: new Date(await env.currentTimeMs()).toISOString(),
      champion: team[0]!,
      ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}),
    };
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof eightD>('eightD', { taskQueue, workflowId: eightDId, args: [input] });
      try {
        await script(handle, input);
      } finally {
        if (recordHistories && options.history) {
          const history = await handle.fetchHistory();
          writeFileSync(new URL(`./histories/${options.history}.json`, import.meta.url), `${historyToJSON(history)}\n`);
        }
        // A run left open would hold the test server's clock.
        await handle.terminate('test finished').catch(() => undefined);
      }
    });
  }

  /** The field an update was refused for (the workflow's validator names it in the failure's details). */
  async function refusedField(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (error as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return String((cause as ApplicationFailure).details?.[0]);
  }

  const submitAndApprove = async (handle: WorkflowHandle<typeof eightD>, by: string, content: DisciplineContent): Promise<EightDState> => {
    await handle.executeUpdate(submitDisciplineUpdate, { args: [{ by, content }] });
    return handle.executeUpdate(approveDisciplineUpdate, { args: [{ discipline: content.discipline, by: 'qm-guo' }] });
  };

  const d1: DisciplineContent = {
    discipline: 'D1',
    members: team.slice(1),
    owners: { D2: 'fe-wang', D3: 'sc-zhao', D4: 'de-chen', D5: 'de-chen', D6: 'pe-sun', D7: 'de-chen', D8: 'qe-li' },
  };
  const d2: DisciplineContent = {
    discipline: 'D2',
    statement: 'Cutting nozzle cracks after 40-60 h of oxygen cutting on LC-3015',
    what: 'nozzle body cracks radially',
    where: 'customer sites in Jiangsu and Zhejiang',
    when: 'within 60 operating hours after a nozzle change',
    howMany: '3 machines in 6 weeks',
    isNot: 'not seen with nitrogen cutting or on LC-2010',
  };

  it('walks an 8D through every discipline; an overdue D3 escalates level by level up to the business head', async () => {
    await run({ history: 'v1-full-walk-d3-escalated' }, async (handle, input) => {
      // Out of order: D4 before D0..D3 are approved.
      expect(await refusedField(handle.executeUpdate(submitDisciplineUpdate, { args: [{ by: 'qe-li', content: { discipline: 'D4', rootCause: 'x', fiveWhys: ['x'], fishbone: {}, escapePoint: 'x' } }] }))).toBe('discipline');
      await submitAndApprove(handle, 'qe-li', { discipline: 'D0', actions: 'Customers told to switch to nitrogen cutting until further notice' });
      // An owner who is not on the team.
      expect(await refusedField(handle.executeUpdate(submitDisciplineUpdate, { args: [{ by: 'qe-li', content: { ...d1, owners: { D3: 'someone-else' } } as DisciplineContent }] }))).toBe('content.owners.D3');
      await submitAndApprove(handle, 'qe-li', d1);
      // D2 belongs to its owner now: the design engineer may not submit it.
      expect(await refusedField(handle.executeUpdate(submitDisciplineUpdate, { args: [{ by: 'de-chen', content: d2 }] }))).toBe('by');
      let state = await submitAndApprove(handle, 'fe-wang', d2);

      const d3 = state.disciplines.find((d) => d.discipline === 'D3')!;
      expect(d3).toMatchObject({ status: 'open', owner: 'sc-zhao' });
      const d3Due = Date.parse(d3.dueAt!);
      expect(d3Due - Date.parse(d3.openedAt!)).toBe(24 * hour);
      // A due date in the past, and an owner from outside the team, are refused with their field.
      const past = new Date((await env.currentTimeMs()) - hour).toISOString();
      expect(await refusedField(handle.executeUpdate(assignDisciplineUpdate, { args: [{ discipline: 'D3', owner: 'sc-zhao', dueAt: past, by: 'qe-li' }] }))).toBe('dueAt');
      expect(await refusedField(handle.executeUpdate(assignDisciplineUpdate, { args: [{ discipline: 'D3', owner: 'stranger', dueAt: d3.dueAt!, by: 'qe-li' }] }))).toBe('owner');

      // Nobody delivers D3: a week and more passes.
      await env.sleep(8 * 24 * hour);
      state = await handle.query(getEightDQuery);
      const escalations = state.disciplines.find((d) => d.discipline === 'D3')!.escalations;
      expect(escalations.map((e) => [e.level, e.to])).toEqual(defaultEscalationChain.map((l, i) => [i + 1, l.to]));
      expect(escalations.at(-1)!.to).toBe('business-head-quality');
      for (const [i, e] of escalations.entries()) {
        // Each level at its instant (a timer fires exactly on the test server; a minute covers a slow task).
        expect(Math.abs(Date.parse(e.at) - (d3Due + defaultEscalationChain[i]!.afterHours * hour))).toBeLessThan(minute);
      }
      const escalated = await published('escalated', defaultEscalationChain.length);
      expect(escalated.map((f) => (f.kind === 'escalated' ? `${f.discipline}:${f.level}:${f.to}` : ''))).toEqual(defaultEscalationChain.map((l, i) => `D3:${i + 1}:${l.to}`));
      // Only the overdue discipline escalated.
      expect(state.disciplines.filter((d) => d.escalations.length > 0).map((d) => d.discipline)).toEqual(['D3']);

      await handle.executeUpdate(submitDisciplineUpdate, {
        args: [{ by: 'sc-zhao', content: { discipline: 'D3', actions: 'Sort stock', flags: [{ scope: { productLine: 'laser-cutting', model: 'LC-3015', serialFrom: 'SN-3015-0100', serialTo: 'SN-3015-0400' }, instruction: 'Inspect the nozzle for cracks; fit the reinforced nozzle', carryParts: ['NZ-15-R'] }] } }],
      });
      // Sent back once, then delivered again and approved.
      await handle.executeUpdate(sendBackDisciplineUpdate, { args: [{ discipline: 'D3', by: 'qm-guo', reason: 'name the serial range' }] });
      state = await submitAndApprove(handle, 'sc-zhao', {
        discipline: 'D3',
        actions: 'Inspect and replace nozzles on affected machines; quarantine nozzle lot L-2291',
        flags: [{ scope: { productLine: 'laser-cutting', model: 'LC-3015', serialFrom: 'SN-3015-0100', serialTo: 'SN-3015-0400' }, instruction: 'Inspect the nozzle for cracks; fit the reinforced nozzle', carryParts: ['NZ-15-R'] }],
      });
      expect(state.disciplines.find((d) => d.discipline === 'D3')!.returns).toHaveLength(1);
      expect(await published('containment-flagged', 1)).toHaveLength(1);

      await submitAndApprove(handle, 'de-chen', {
        discipline: 'D4',
        rootCause: 'Nozzle alloy lot L-2291 below hardness spec; supplier changed heat treatment',
        fiveWhys: ['Nozzle cracks', 'Thermal stress exceeds strength', 'Material softer than spec', 'Heat treatment changed', 'Supplier change not notified'],
        fishbone: { material: ['soft alloy lot L-2291'], method: ['no incoming hardness test'], machine: [], man: [], measurement: ['sampling plan too thin'], environment: [] },
        escapePoint: 'Incoming inspection',
      });
      const soon = new Date((await env.currentTimeMs()) + 7 * 24 * hour).toISOString();
      expect(await refusedField(handle.executeUpdate(submitDisciplineUpdate, { args: [{ by: 'de-chen', content: { discipline: 'D5', actions: [{ action: 'x', owner: 'outsider', dueAt: soon }] } }] }))).toBe('content.actions.0.owner');
      await submitAndApprove(handle, 'de-chen', { discipline: 'D5', actions: [{ action: 'Hardness test on every incoming nozzle lot', owner: 'sc-zhao', dueAt: soon }, { action: 'Switch to reinforced nozzle NZ-15-R', owner: 'de-chen', dueAt: soon }] });
      await submitAndApprove(handle, 'pe-sun', { discipline: 'D6', implemented: 'Incoming test live; NZ-15-R in production', validation: '500 h field test on 4 machines, no cracks', effective: true });
      expect(await published('containment-lifted', 1)).toHaveLength(1);
      await submitAndApprove(handle, 'de-chen', { discipline: 'D7', standards: ['QS-114 incoming hardness test'], designRules: ['DR-22 nozzle alloy spec'], otherModels: ['LC-4020'], flags: [{ scope: { model: 'LC-4020' }, instruction: 'Fit NZ-15-R at the next visit', carryParts: ['NZ-15-R'] }] });
      state = await submitAndApprove(handle, 'qe-li', { discipline: 'D8', summary: 'Closed: no recurrence in 500 h', recognition: 'Thanks to the supply-chain and design team' });

      expect(state.status).toBe('closed');
      expect(state.disciplines.every((d) => d.status === 'approved')).toBe(true);
      const result = await handle.result();
      expect(result.status).toBe('closed');
      const closed = facts().find((f) => f.kind === 'closed');
      expect(closed && closed.kind === 'closed' ? closed.rootCause : '').toMatch(/L-2291/);
      expect(articles).toHaveLength(1);
      expect(articles[0]).toMatchObject({ eightDId: input.eightDId, models: ['LC-3015', 'LC-4020'], parts: ['NZ-15-R'] });
      // Fact ids are unique and in order: consumers de-duplicate by them.
      const ids = facts().map((f) => f.id);
      expect(new Set(ids).size).toBe(ids.length);
      // The stored copy's revisions only grow.
      const revisions = recorded.map((r) => r.state.revision);
      expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    });
  });

  it('continues as new when its history grows, keeping every discipline and escalation', async () => {
    await run({ historyLimit: 30, history: 'v1-continued-as-new' }, async (handle) => {
      await submitAndApprove(handle, 'qe-li', { discipline: 'D0', actions: 'Stop shipments of nozzle lot L-2291' });
      await submitAndApprove(handle, 'qe-li', d1);
      await submitAndApprove(handle, 'fe-wang', d2);
      await env.sleep(50 * hour);
      await submitAndApprove(handle, 'sc-zhao', { discipline: 'D3', actions: 'Quarantine lot L-2291', flags: [] });
      await env.sleep(minute);
      const latest = env.client.workflow.getHandle(handle.workflowId);
      const state = await latest.query(getEightDQuery);
      expect((await latest.describe()).runId).not.toBe(handle.firstExecutionRunId);
      expect(state.disciplines.slice(0, 4).map((d) => d.status)).toEqual(['approved', 'approved', 'approved', 'approved']);
      expect(state.disciplines.find((d) => d.discipline === 'D3')!.escalations.map((e) => e.level)).toEqual([1, 2]);
      expect(state.team.map((m) => m.id)).toEqual(team.map((m) => m.id));
    });
  });
});
