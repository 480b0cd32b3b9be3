import { call, type Answer, type ClientStats } from './client';

/** The soak's services, by name, as its flows reach them. */
export type FlowService = 'intake' | 'dispatch' | 'spares' | 'quality';
type Role = 'agent' | 'dispatcher';

export interface FlowContext {
  stats: ClientStats;
  url(service: FlowService): string;
  token(role: Role): string;
  engineerToken(engineerId: string): Promise<string>;
  /** A step's effect seen: the soak's progress log (recovery is measured on it). */
  progress(requestId: string, step: string): void;
  /** Hard stop: the soak is over and flows still running give up. */
  aborted(): boolean;
}

/** One request as the client knows it. */
export interface FlowRecord {
  idempotencyKey: string;
  requestId: string | null;
  acceptedAt: number | null;
  closedAt: number | null;
  workOrderId: string | null;
  /** The step it was at, or its last error. */
  at: string;
  manualAssignment: boolean;
}

interface WorkOrderView {
  id: string;
  status: string;
  engineerId: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stepsToComplete: [path: string, reaches: string][] = [
  ['acceptance', 'accepted'],
  ['travel-start', 'travelling'],
  ['arrival', 'on-site'],
  ['work-start', 'working'],
  ['work-finish', 'work-finished'],
  ['report', 'completed'],
];
const workOrderOrder = ['proposed', 'assigned', 'accepted', 'travelling', 'on-site', 'working', 'work-finished', 'completed'];

/** Polls `probe` until it answers a value; throws only when the soak is aborted or `timeoutMs` passed. */
async function until<T>(ctx: FlowContext, what: string, probe: () => Promise<T | undefined>, timeoutMs = 15 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (ctx.aborted() || Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(400);
  }
}

/** The report an engineer sends: the case journey's, one part used, a failure mode of its own (no recurrence, no 8D). */
export function reportBody(n: number) {
  const now = Date.now();
  return {
    startedAt: new Date(now - 60 * 60_000).toISOString(),
    finishedAt: new Date(now).toISOString(),
    effortMinutes: 60,
    cause: 'Porous weld seam on the lens holder',
    fix: 'Replaced the focus lens',
    workDone: 'Fitted a coated lens, recalibrated focus, test cut clean',
    partsUsed: [{ partNumber: 'P-LENS-B', quantity: 1, removedSerial: `LENS-SOAK-${n}` }],
    firstTimeFix: true,
    failureMode: `FM-SOAK-${n}`,
    failureCategory: 'quality-failure',
    travelMinutes: 30,
    customerSignOff: { name: 'Li Wei', at: new Date(now).toISOString() },
  };
}

const symptoms = ['Burr on the cut edge after nozzle change', 'Beam drifts off focus on thick plate', 'Chiller alarm during long cuts', 'Cutting head collides at corners', 'Pierce fails on stainless sheet', 'Gas pressure drops mid job'];

/**
 * One request through the whole flow, as case-journey drives it: registered, screened valid and
 * critical (P1, auto-assigned), its work order walked by the engineer and reported with a part
 * used, accepted by the customer (closed). Each step first reads where the request is, so a step
 * whose answer was lost to a crash is not sent twice, and a refused one is sent again.
 */
export async function runFlow(ctx: FlowContext, record: FlowRecord, n: number): Promise<void> {
  const intake = (method: string, path: string, body?: unknown, key?: string) =>
    call(ctx.stats, () => ctx.url('intake'), method, path, { token: ctx.token('agent'), body, ...(key ? { idempotencyKey: key } : {}), stopped: ctx.aborted });
  const dispatch = (method: string, path: string, token: string, body?: unknown) => call(ctx.stats, () => ctx.url('dispatch'), method, path, { token, body, stopped: ctx.aborted });

  if (!record.requestId) {
    record.at = 'register';
    const body = { customerId: 'CUST-0001', contact: { name: 'Li Wei', phone: '+86 21 5555 0101' }, channel: 'phone', serialNumber: 'SN-0001', symptom: `${symptoms[n % symptoms.length]} (soak ${n})`, neededBy: new Date(Date.now() + 2 * 86_400_000).toISOString() };
    const created = await intake('POST', '/v1/service-requests', body, record.idempotencyKey);
    if (created.status !== 201) throw new Error(`registration answered ${created.status}: ${JSON.stringify(created.body)}`);
    record.requestId = created.body.id as string;
    record.acceptedAt = Date.now();
    ctx.progress(record.requestId, 'registered');
  }
  const id = record.requestId;
  const state = async (): Promise<{ status: string } | undefined> => {
    const read = await intake('GET', `/v1/service-requests/${id}`);
    const workflow = read.body.workflow as { available?: boolean; state?: { status: string } } | null | undefined;
    return workflow?.available ? workflow.state : undefined;
  };
  /** Sends a step until `done` holds, reading the state before each try. */
  const advance = async (what: string, done: () => Promise<boolean>, send: () => Promise<Answer>) => {
    record.at = what;
    await until(ctx, what, async () => {
      if (await done()) return true;
      const answer = await send();
      if (answer.status === 200 || answer.status === 201) return true;
      record.at = `${what}: ${answer.status} ${answer.body.error?.code ?? ''}`;
      return undefined;
    });
    ctx.progress(id, what);
  };

  const screened = (s: { status: string } | undefined) => s !== undefined && s.status !== 'registered';
  await until(ctx, `${id}'s workflow`, state);
  await advance('screening', async () => screened(await state()), () => intake('POST', `/v1/service-requests/${id}/screening`, { outcome: 'valid', faultCategory: 'optical', severity: 'critical' }));

  // Dispatch creates the work order from intake's event and auto-assigns P1; a dispatcher assigns one it left.
  record.at = 'work order';
  const firstSeen = Date.now();
  let workOrder = await until(ctx, `${id}'s assigned work order`, async () => {
    const items = (await dispatch('GET', `/v1/work-orders?requestId=${id}`, ctx.token('dispatcher'))).body.items as WorkOrderView[] | undefined;
    const wo = items?.find((w) => w.status !== 'cancelled');
    if (!wo) return undefined;
    record.workOrderId = wo.id;
    if (wo.engineerId && wo.status !== 'proposed') return wo;
    if (Date.now() - firstSeen > 60_000) {
      const candidates = await dispatch('GET', `/v1/work-orders/${wo.id}/candidates`, ctx.token('dispatcher'));
      const best = (candidates.body.ranked as { engineerId: string }[] | undefined)?.[0];
      if (best && (await dispatch('POST', `/v1/work-orders/${wo.id}/assignment`, ctx.token('dispatcher'), { engineerId: best.engineerId })).status === 200) record.manualAssignment = true;
    }
    return undefined;
  });
  ctx.progress(id, 'assigned');

  const engineer = await ctx.engineerToken(workOrder.engineerId!);
  const readWorkOrder = async () => (await dispatch('GET', `/v1/work-orders/${workOrder.id}`, ctx.token('dispatcher'))).body as unknown as WorkOrderView;
  for (const [path, reaches] of stepsToComplete) {
    await advance(path, async () => {
      workOrder = await readWorkOrder();
      return workOrderOrder.indexOf(workOrder.status) >= workOrderOrder.indexOf(reaches);
    }, () => dispatch('POST', `/v1/work-orders/${workOrder.id}/${path}`, engineer, path === 'report' ? reportBody(n) : {}));
  }

  record.at = 'resolved';
  await until(ctx, `${id} resolved at intake`, async () => {
    const s = await state();
    return s && (s.status === 'resolved' || s.status === 'closed') ? true : undefined;
  });
  ctx.progress(id, 'resolved');
  await advance('customer acceptance', async () => (await state())?.status === 'closed', () => intake('POST', `/v1/service-requests/${id}/acceptance`, { accepted: true }));
  record.closedAt = Date.now();
  record.at = 'closed';
}
