import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withMongo } from './support/mongo';
import { api, ServiceProcess, tokenFor } from './support/services';
import { eventually, uniqueNamespace } from './support/wait';

const day = 86_400_000;
const zone = 'Asia/Shanghai';
const localDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
const weekday = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay();

interface Clock {
  name: string;
  dueAt: string;
  elapsedMs: number;
}
interface RequestAnswer {
  id: string;
  workflow: { available: boolean; state: { clocks: Clock[]; history: { event: string; note?: string }[]; terms: { calendarId: string | null; calendarVersion: number | null } } } | null;
}
interface CalendarVersionAnswer {
  id: string;
  version: number;
  effectiveFrom: string;
  changedBy: string;
  reason: string;
  body: { kind: string; holidays: string[] };
}

/**
 * A managed calendar amended through intake's API while 50 requests run on it: each one's open
 * clocks recompute once (the rollout passes twice; the second pass changes nothing), none is
 * missed, each history names the version, and reads of the calendar give the version in force at
 * an instant. The closure day is a working day ahead, found from today's date in the site's zone.
 */
describe('a calendar amended while 50 requests are open on it', () => {
  const stack = inject('stack');
  const ns = uniqueNamespace('calendar-change');
  let intake: ServiceProcess;
  let notifications: ServiceProcess;
  let dispatch: ServiceProcess;
  let manager: string;
  let agent: string;
  const ids: string[] = [];

  const request = async (id: string) => (await api(intake, 'GET', `/v1/service-requests/${id}`, { token: agent })).body as unknown as RequestAnswer;
  const changes = (r: RequestAnswer) => (r.workflow?.state.history ?? []).filter((h) => h.event === 'calendar-changed');

  beforeAll(async () => {
    // The rollout's catch-up pass waits seconds here instead of a minute.
    [intake, notifications, dispatch] = await Promise.all([
      ServiceProcess.start('intake', ns, stack, { INTAKE_CALENDAR_CATCH_UP_SECONDS: '2' }),
      // Its demo roster names the calendar owner (P-SVC-MGR), who hears of a calendar running short.
      ServiceProcess.start('notifications', ns, stack, { SEED_DEMO_DATA: 'true' }),
      // Plans engineers' working time on its copy of intake's calendars.
      ServiceProcess.start('dispatch', ns, stack),
    ]);
    [manager, agent] = await Promise.all([tokenFor('manager'), tokenFor('agent')]);
    const site = { id: 'SITE-CAL', name: 'Pudong plant', address: '1 Zhangjiang Road', city: 'Shanghai', locationClass: 'provincial-capital', coordinates: { lat: 31.2, lon: 121.6 }, timeZone: zone };
    expect((await api(intake, 'POST', '/v1/customers', { token: agent, body: { id: 'CUST-CAL', name: 'Pudong Sheet Metal', class: 'standard', sites: [site] } })).status).toBe(201);
    for (let m = 1; m <= 10; m += 1) {
      const machine = { serialNumber: `CAL-${m}`, customerId: 'CUST-CAL', siteId: 'SITE-CAL', model: 'FL-3015', productLine: 'fiber-laser-cutting' };
      expect((await api(intake, 'POST', '/v1/machines', { token: agent, body: machine })).status).toBe(201);
    }
    for (let i = 0; i < 50; i += 1) {
      const body = { customerId: 'CUST-CAL', contact: { name: 'Wu Lei', phone: '+86 21 5555 0199' }, channel: 'phone', serialNumber: `CAL-${(i % 10) + 1}`, symptom: `Cut quality problem number ${i}`, neededBy: new Date(Date.now() + 5 * day).toISOString() };
      const created = await api(intake, 'POST', '/v1/service-requests', { token: agent, body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids.push((created.body as { id: string }).id);
    }
    // Every workflow runs, with its clocks and the calendar version it started on.
    await eventually('50 workflows running with clocks', async () => {
      const views = await Promise.all(ids.map(request));
      for (const v of views) expect(v.workflow?.state.clocks.length ?? 0, v.id).toBeGreaterThan(0);
      return true;
    }, { timeoutMs: 120_000 });
  }, 240_000);
  afterAll(async () => {
    await Promise.all([intake?.stop(), notifications?.stop(), dispatch?.stop()]);
  });

  it('rolls the new version out to every request once, each history naming it, due instants later by the closed day', async () => {
    const current = (await api(intake, 'GET', '/v1/calendars/business-hours', { token: agent })).body as unknown as CalendarVersionAnswer;
    expect(current.body.kind).toBe('business');
    const before = await Promise.all(ids.map(request));
    for (const v of before) expect(v.workflow?.state.terms).toMatchObject({ calendarId: 'business-hours', calendarVersion: current.version });
    // A weekday two or more days ahead that is not closed yet: every open resolution clock (days of work) crosses it.
    let closure = '';
    for (let d = 2; !closure; d += 1) {
      const date = localDate(Date.now() + d * day);
      if (weekday(date) !== 0 && weekday(date) !== 6 && !current.body.holidays.includes(date)) closure = date;
    }
    const amendedAt = new Date().toISOString();
    const amended = await api(intake, 'POST', '/v1/calendars/business-hours/versions', {
      token: manager,
      body: { body: { ...current.body, holidays: [...current.body.holidays, closure] }, reason: `site closed on ${closure} (typhoon)`, expectedVersion: current.version },
    });
    expect(amended.status, JSON.stringify(amended.body)).toBe(201);
    const next = (amended.body as unknown as CalendarVersionAnswer).version;
    expect(next).toBe(current.version + 1);

    await eventually('the new version in every request', async () => {
      const views = await Promise.all(ids.map(request));
      for (const v of views) expect(changes(v).length, v.id).toBe(1);
      return true;
    }, { timeoutMs: 120_000 });
    // Past the catch-up pass: still once each.
    await new Promise((r) => setTimeout(r, 5_000));
    const after = await Promise.all(ids.map(request));
    after.forEach((v, i) => {
      expect(changes(v)).toHaveLength(1);
      expect(changes(v)[0]!.note).toContain(`business-hours version ${next}`);
      expect(v.workflow?.state.terms).toMatchObject({ calendarId: 'business-hours', calendarVersion: next });
      const resolution = (r: RequestAnswer) => r.workflow!.state.clocks.find((c) => c.name === 'resolution')!;
      expect(Date.parse(resolution(v).dueAt), v.id).toBeGreaterThan(Date.parse(resolution(before[i]!).dueAt));
    });

    const versions = (await api(intake, 'GET', '/v1/calendars/business-hours/versions', { token: agent })).body as unknown as { items: CalendarVersionAnswer[] } | CalendarVersionAnswer[];
    const items = Array.isArray(versions) ? versions : versions.items;
    expect(items.map((v) => v.version)).toContain(next);
    expect(items.find((v) => v.version === next)).toMatchObject({ changedBy: 'test-manager', reason: `site closed on ${closure} (typhoon)` });
    const then = (await api(intake, 'GET', `/v1/calendars/business-hours?at=${encodeURIComponent(new Date(Date.parse(amendedAt) - 60_000).toISOString())}`, { token: agent })).body as unknown as CalendarVersionAnswer;
    expect(then.version).toBe(current.version);
  }, 300_000);

  it('a version stored by an intake that died before its head update and rollout still reaches every open request', async () => {
    const current = (await api(intake, 'GET', '/v1/calendars/business-hours', { token: agent })).body as unknown as CalendarVersionAnswer;
    let closure = '';
    for (let d = 3; !closure; d += 1) {
      const date = localDate(Date.now() + d * day);
      if (weekday(date) !== 0 && weekday(date) !== 6 && !current.body.holidays.includes(date)) closure = date;
    }
    await intake.kill();
    // Where the writer died: its version document stored, nothing after it.
    const now = new Date();
    await withMongo(stack.mongoUrl, (client) =>
      client.db(`${ns}_intake`).collection('calendarVersions').insertOne({
        _id: `business-hours@${current.version + 1}` as never, recordId: 'business-hours', version: current.version + 1,
        body: { ...current.body, holidays: [...current.body.holidays, closure] }, effectiveFrom: now, changedAt: now, changedBy: 'test-manager', reason: 'stored just before the crash',
      }),
    );
    await intake.start();
    await eventually('the orphaned version in every request', async () => {
      const views = await Promise.all(ids.map(request));
      for (const v of views) expect(changes(v).map((c) => c.note?.includes(`business-hours version ${current.version + 1}`)), v.id).toContain(true);
      return true;
    }, { timeoutMs: 120_000 });
    expect((await api(intake, 'GET', '/v1/calendars/business-hours', { token: agent })).body).toMatchObject({ version: current.version + 1, reason: 'stored just before the crash' });
  }, 240_000);

  it("dispatch plans engineers' working time on the published version: a closure leaves the day without working time", async () => {
    const dispatcher = await tokenFor('dispatcher');
    const engineer = { name: 'Zhao Min', skills: [{ productLine: 'fiber-laser-cutting', skill: 'repair', level: 3 }], territories: ['Shanghai'], homeBase: { city: 'Shanghai', lat: 31.2, lon: 121.5 }, calendarId: 'business-hours' };
    expect((await api(dispatch, 'PUT', '/v1/engineers/E-CAL', { token: dispatcher, body: engineer })).status).toBe(200);
    const current = (await api(intake, 'GET', '/v1/calendars/business-hours', { token: agent })).body as unknown as CalendarVersionAnswer;
    let closure = '';
    for (let d = 4; !closure; d += 1) {
      const date = localDate(Date.now() + d * day);
      if (weekday(date) !== 0 && weekday(date) !== 6 && !current.body.holidays.includes(date)) closure = date;
    }
    const working = async () =>
      ((await api(dispatch, 'GET', `/v1/engineers/E-CAL/schedule?from=${encodeURIComponent(`${closure}T00:00:00+08:00`)}&to=${encodeURIComponent(`${closure}T23:59:00+08:00`)}`, { token: dispatcher })).body as { working: unknown[] }).working;
    expect((await working()).length).toBeGreaterThan(0);
    const amended = await api(intake, 'POST', '/v1/calendars/business-hours/versions', {
      token: manager,
      body: { body: { ...current.body, holidays: [...current.body.holidays, closure] }, reason: `plant closed on ${closure}`, expectedVersion: current.version },
    });
    expect(amended.status, JSON.stringify(amended.body)).toBe(201);
    await eventually("the closed day in dispatch's plan", async () => ((await working()).length === 0 ? true : undefined), { timeoutMs: 60_000 });
  });

  it('refuses a calendar that cannot work, naming the field, and a stale expected version', async () => {
    const current = (await api(intake, 'GET', '/v1/calendars/business-hours', { token: agent })).body as unknown as CalendarVersionAnswer;
    const broken = await api(intake, 'POST', '/v1/calendars/business-hours/versions', {
      token: manager,
      body: { body: { ...current.body, week: { ...(current.body as unknown as { week: Record<string, unknown> }).week, 1: [{ start: '25:00', end: '12:00' }] } }, reason: 'typo' },
    });
    expect(broken.status).toBe(422);
    expect(JSON.stringify(broken.body)).toContain('week.1[0].start');
    const stale = await api(intake, 'POST', '/v1/calendars/business-hours/versions', { token: manager, body: { body: current.body, reason: 'again', expectedVersion: current.version - 1 } });
    expect(stale.status).toBe(409);
    expect((await api(intake, 'POST', '/v1/calendars/business-hours/versions', { token: agent, body: { body: current.body, reason: 'not mine' } })).status).toBe(403);
    // A contract naming a policy or calendar that does not exist is refused, not silently given the standard terms.
    const today = localDate(Date.now());
    const contract = { customerId: 'CUST-CAL', name: 'Typo contract', type: 'standard', coveredSerials: 'all', start: today, end: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`, responseMode: 'on-site', slaPolicyId: 'contract-premium', calendarId: 'business-hours', covers: { parts: true, labour: true, travel: true } };
    for (const [field, typo] of [['slaPolicyId', 'contract-premuim'], ['calendarId', 'business-hour']] as const) {
      const refused = await api(intake, 'POST', '/v1/service-contracts', { token: manager, body: { ...contract, [field]: typo } });
      expect([refused.status, refused.body.error?.field], JSON.stringify(refused.body)).toEqual([422, field]);
    }
    expect((await api(intake, 'POST', '/v1/service-contracts', { token: manager, body: contract })).status).toBe(201);
  });

  it('warns while a calendar\'s holidays run out, and an imported holiday file for the next year ends the warning', async () => {
    const thisYear = Number(localDate(Date.now()).slice(0, 4));
    const week = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, d < 6 ? [{ start: '08:00', end: '16:00' }] : []]));
    const calendar = { kind: 'business', timeZone: 'Europe/Berlin', week, holidays: [`${thisYear - 1}-12-25`] };
    const created = await api(intake, 'POST', '/v1/calendars/plant-berlin/versions', { token: manager, body: { body: calendar, reason: 'new plant in Berlin' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ version: 1, holidaysKnownThrough: `${thisYear - 1}-12-31` });
    const warnings = async () => ((await api(intake, 'GET', '/healthz')).body as { warnings?: { subject: string; message: string }[] }).warnings ?? [];
    await eventually('the horizon warning on /healthz', async () => ((await warnings()).find((w) => w.subject === 'calendars/plant-berlin') ? true : undefined));
    expect((await warnings()).find((w) => w.subject === 'calendars/plant-berlin')!.message).toContain(`known through ${thisYear - 1}-12-31`);
    // ... and its owner is told, in the inbox, once.
    const owner = await tokenFor('manager', 'P-SVC-MGR');
    const told = async () => ((await api(notifications, 'GET', '/v1/people/P-SVC-MGR/notices', { token: owner })).body.items as { kind: string }[]).filter((n) => n.kind === 'calendar-horizon-short' && JSON.stringify(n).includes('plant-berlin'));
    await eventually('the calendar owner told', async () => ((await told()).length > 0 ? true : undefined), { timeoutMs: 60_000 });

    const year = thisYear + 1;
    const bad = await api(intake, 'POST', '/v1/calendars/plant-berlin/holiday-imports', { token: manager, body: { file: `year ${year}\n${year}-13-01 closed x`, reason: 'typo' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ field: 'file' });
    expect(JSON.stringify(bad.body)).toContain('line 2');
    const file = [`year ${year}`, `${year}-01-01 closed Neujahr`, `${year}-12-24 hours 08:00-12:00 Heiligabend`, `${year}-12-25..${year}-12-26 closed Weihnachten`].join('\n');
    const imported = await api(intake, 'POST', '/v1/calendars/plant-berlin/holiday-imports', { token: manager, body: { file, reason: `public holidays ${year}` } });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body).toMatchObject({ version: 2, holidaysKnownThrough: `${year}-12-31`, imported: { year, closedDays: 3, datedDays: 1 }, changedBy: 'test-manager' });
    const read = (await api(intake, 'GET', '/v1/calendars/plant-berlin', { token: agent })).body as unknown as CalendarVersionAnswer & { body: { exceptions: { date: string }[] } };
    expect(read.body.holidays).toEqual([`${thisYear - 1}-12-25`, `${year}-01-01`, `${year}-12-25`, `${year}-12-26`]);
    expect(read.body.exceptions.map((e) => e.date)).toEqual([`${year}-12-24`]);
    await eventually('the warning gone', async () => ((await warnings()).some((w) => w.subject === 'calendars/plant-berlin') ? undefined : true));
    expect(await told()).toHaveLength(1);
  });
});
