import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, type KnownEvent } from '@aftersales/contracts';
import { createEventProducer, createKafka, type EventProducer } from '@aftersales/platform';
import { registeredEvent, testLogger } from '@aftersales/platform/testing';
import { readTopic } from './support/kafka';
import { withMongo } from './support/mongo';
import { api, ServiceProcess, tokenFor } from './support/services';
import { repoRoot } from './support/stack';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

const day = 86_400_000;

/**
 * Quality as its own process on the real servers: failure facts arrive over Kafka in the test's
 * namespace, recurrence opens 8Ds, the eightD workflow runs on quality's own worker, people walk
 * it over HTTP, and the customer report comes back as a PDF whose text pdftotext extracts.
 */
describe('quality: recurrence, 8D and the customer report end to end', () => {
  const bed = useTestBed('quality', { quality: {} });
  let producer: EventProducer;
  // A second worker process in the same consumer groups: failure facts are applied by two processes at once.
  let secondWorker: ServiceProcess | null = null;
  let champion: string;
  let manager: string;
  // Models unique to this run: 8D ids derive from the problem and workflow ids are global on the shared server.
  const suffix = randomUUID().slice(0, 6).toUpperCase();
  const line = `laser-${suffix}`;
  const olderModel = `LC-${suffix}-G1`;
  const newerModel = `LC-${suffix}-G2`;
  const quality = () => bed.service('quality');
  const topic = (name: string) => `${bed.ns}.${name}`;

  beforeAll(async () => {
    producer = await createEventProducer(createKafka({ brokers: bed.stack.kafkaBrokers, clientId: bed.ns, logger: testLogger() }));
    secondWorker = await ServiceProcess.start('quality', bed.ns, bed.stack, { PROCESS_ROLE: 'worker' });
    // The champion of a new 8D is the quality engineer on duty; the manager approves.
    champion = await tokenFor('quality', 'qe-on-duty');
    manager = await tokenFor('manager', 'qm-guo');
    for (const [model, generation] of [[olderModel, 1], [newerModel, 2]] as const) {
      const r = await api(quality(), 'PUT', `/v1/model-generations/${model}`, { token: champion, body: { productLine: line, generation } });
      expect(r.status).toBe(200);
    }
  });
  afterAll(async () => {
    await secondWorker?.stop();
    await producer?.disconnect();
  });

  /** A request on a machine of `model`, and its completed work order with a failure-mode code. */
  function failure(model: string, failureMode: string, finishedAt: Date) {
    const requestId = `SR-Q-${randomUUID().slice(0, 8)}`;
    const registered = registeredEvent(requestId, { data: { serialNumber: `SN-${model}-${requestId.slice(-4)}`, customerId: 'CUST-Q', machine: { model, productLine: line }, raisedAt: finishedAt.toISOString() } });
    const completed: KnownEvent<'work-order.completed@1'> = buildEvent(
      'work-order.completed@1',
      {
        workOrderId: `WO-${requestId}`,
        requestId,
        engineerId: 'ENG-1',
        startedAt: new Date(finishedAt.getTime() - 3_600_000).toISOString(),
        finishedAt: finishedAt.toISOString(),
        effortMinutes: 60,
        cause: 'Nozzle cracked under thermal stress',
        fix: 'Nozzle replaced',
        workDone: 'Replaced nozzle, recentred beam',
        partsUsed: [{ partNumber: 'NZ-15', quantity: 1 }],
        firstTimeFix: true,
        failureMode,
      },
      { id: randomUUID(), occurredAt: finishedAt, source: 'e2e', subject: `WO-${requestId}`, correlationId: requestId, causationId: null },
    );
    return { requestId, registered, completed };
  }

  async function eightDsFor(model: string) {
    const r = await api(quality(), 'GET', `/v1/eight-ds?model=${model}`, { token: champion });
    expect(r.status).toBe(200);
    return r.body.items as { id: string; status: string; linkedTo: string | null; rules: string[] }[];
  }

  async function step(id: string, discipline: string, content: Record<string, unknown>, submitter = champion) {
    const submitted = await api(quality(), 'POST', `/v1/eight-ds/${id}/disciplines/${discipline}/submission`, { token: submitter, body: { content } });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    if (discipline === 'D0') {
      // Four eyes: the submitter does not approve their own discipline.
      const own = await api(quality(), 'POST', `/v1/eight-ds/${id}/disciplines/${discipline}/approval`, { token: submitter });
      expect(own.status, JSON.stringify(own.body)).toBeGreaterThanOrEqual(400);
      expect(own.body.error).toMatchObject({ field: 'by' });
    }
    const approved = await api(quality(), 'POST', `/v1/eight-ds/${id}/disciplines/${discipline}/approval`, { token: manager });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    return approved.body as { disciplines: { discipline: string; owner: string; status: string }[] };
  }

  let firstEightD = '';

  it('three failures of one mode on one model within the window open one 8D, not three', async () => {
    const now = Date.now();
    const failures = [0, 1, 2].map((i) => failure(olderModel, 'FM-NOZZLE-CRACK', new Date(now - (10 - i) * day)));
    await producer.publish(failures.map((f) => ({ topic: topic('intake.service-requests.v1'), event: f.registered })));
    // The three reports arrive together, and one of them twice (a re-delivery).
    await producer.publish([...failures, failures[0]!].map((f) => ({ topic: topic('dispatch.work-orders.v1'), event: f.completed })));

    const [opened] = await eventually('an 8D for the repeated failure', async () => {
      const items = await eightDsFor(olderModel);
      return items.length > 0 ? items : undefined;
    });
    firstEightD = opened!.id;
    bed.started.push(firstEightD);
    expect(opened!.rules).toContain('same-model-repeat');

    // Every record lands on that one 8D, and the workflow runs it with D0 open.
    const detail = await eventually('the 8D with its three records and a running workflow', async () => {
      const r = await api(quality(), 'GET', `/v1/eight-ds/${firstEightD}`, { token: champion });
      const body = r.body as { source: string; failureRecords: unknown[]; state: { disciplines: { discipline: string; status: string }[] } | null };
      return body.source === 'workflow' && body.failureRecords.length === 3 && body.state ? body : undefined;
    });
    expect(detail.state!.disciplines[0]).toMatchObject({ discipline: 'D0', status: 'open' });

    // A fourth failure joins the open 8D.
    const fourth = failure(olderModel, 'FM-NOZZLE-CRACK', new Date(now - day));
    await producer.publish([{ topic: topic('intake.service-requests.v1'), event: fourth.registered }]);
    await producer.publish([{ topic: topic('dispatch.work-orders.v1'), event: fourth.completed }]);
    await eventually('the fourth record attached', async () => {
      const r = await api(quality(), 'GET', `/v1/recurrences?model=${olderModel}`, { token: champion });
      const items = r.body.items as { failureRecordId: string; outcome: string; eightDId: string }[];
      return items.some((h) => h.failureRecordId === `FR-${fourth.requestId}` && h.outcome === 'attached' && h.eightDId === firstEightD) ? items : undefined;
    });
    expect(await eightDsFor(olderModel)).toHaveLength(1);

    // One opening reached Kafka: one event id (the relay is at-least-once, so a copy may follow; consumers drop it by id).
    const messages = await readTopic(bed.stack.kafkaBrokers, topic('quality.eight-ds.v1'));
    const opens = messages.map((m) => JSON.parse(m.value) as { id: string; type: string; subject: string }).filter((e) => e.type === 'eight-d.opened');
    expect([...new Set(opens.map((e) => `${e.id} ${e.subject}`))]).toEqual([`${firstEightD}:opened ${firstEightD}`]);
  });

  it('walks the 8D over HTTP across a restart of quality, refusing bad steps with the field; its PDF report names problem, containment, root cause and owners', async () => {
    expect(firstEightD).not.toBe('');
    const id = firstEightD;
    const refused = async (discipline: string, content: Record<string, unknown>, status: number, field: string) => {
      const r = await api(quality(), 'POST', `/v1/eight-ds/${id}/disciplines/${discipline}/submission`, { token: champion, body: { content } });
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body.error?.field).toBe(field);
    };
    await refused('D3', { actions: 'too early', flags: [] }, 409, 'discipline');
    await step(id, 'D0', { actions: 'Customers told to switch to nitrogen cutting' });
    await refused('D1', { members: [{ id: 'sc-zhao', name: 'Zhao Min', role: 'supply chain' }], owners: { D3: 'nobody-on-team' } }, 422, 'content.owners.D3');
    await step(id, 'D1', {
      members: [
        { id: 'sc-zhao', name: 'Zhao Min', role: 'supply chain' },
        { id: 'de-chen', name: 'Chen Jie', role: 'design engineer' },
        { id: 'pe-sun', name: 'Sun Yu', role: 'production engineer' },
      ],
      owners: { D3: 'sc-zhao', D4: 'de-chen', D5: 'de-chen', D6: 'pe-sun', D7: 'de-chen' },
    });
    const past = new Date(Date.now() - day).toISOString();
    const assignment = await api(quality(), 'PUT', `/v1/eight-ds/${id}/disciplines/D3/assignment`, { token: champion, body: { owner: 'sc-zhao', dueAt: past } });
    expect(assignment.status).toBe(422);
    expect(assignment.body.error?.field).toBe('dueAt');
    await step(id, 'D2', { statement: `Nozzle cracks on ${olderModel} after oxygen cutting`, what: 'radial crack', where: 'Jiangsu', when: 'within 60 h of a nozzle change', howMany: '4 machines', isNot: 'not with nitrogen' });
    // Every quality process dies mid-8D: the 8D lives on in Temporal and carries on after the restart.
    await Promise.all([quality().kill(), secondWorker!.kill()]);
    await Promise.all([quality().start(), secondWorker!.start()]);
    const zhao = await tokenFor('quality', 'sc-zhao');
    const chen = await tokenFor('quality', 'de-chen');
    const sun = await tokenFor('quality', 'pe-sun');
    await step(id, 'D3', { actions: 'Quarantine nozzle lot L-2291 at every depot', flags: [{ scope: { productLine: line, model: olderModel, partNumber: 'NZ-15' }, instruction: 'Inspect nozzle for radial cracks and fit NZ-15-R', carryParts: ['NZ-15-R'] }] }, zhao);
    // Fishbone categories become field names of the stored 8D: a key a database or a prototype would misread is refused, named.
    const d4 = { rootCause: 'x', fiveWhys: ['x'], escapePoint: 'x' };
    await refused('D4', { ...d4, fishbone: { 'mat.erial': ['x'] } }, 400, 'content.fishbone.mat.erial');
    await refused('D4', { ...d4, fishbone: { $where: ['x'] } }, 400, 'content.fishbone.$where');
    await refused('D4', { ...d4, fishbone: JSON.parse('{"__proto__":["x"]}') as Record<string, unknown> }, 400, 'content.fishbone.__proto__');
    await step(id, 'D4', { rootCause: 'Nozzle alloy lot L-2291 below hardness specification', fiveWhys: ['Nozzle cracks', 'Thermal stress exceeds strength', 'Alloy too soft', 'Supplier changed heat treatment', '供应商更改热处理工艺未通知 (Müller Härterei)'], fishbone: { material: ['soft alloy lot L-2291'], method: ['no incoming hardness test'] }, escapePoint: 'Incoming inspection' }, chen);
    await step(id, 'D5', { actions: [{ action: 'Hardness test on every incoming nozzle lot', owner: 'sc-zhao', dueAt: new Date(Date.now() + 7 * day).toISOString() }] }, chen);
    await step(id, 'D6', { implemented: 'Incoming hardness test live', validation: '500 h field test on 4 machines without cracks', effective: true }, sun);
    await step(id, 'D7', { standards: ['QS-114 incoming hardness test'], designRules: ['DR-22 nozzle alloy'], otherModels: [newerModel], flags: [] }, chen);

    // The report as it stands, before closure: every discipline's owner, the containment, the root cause.
    // stack.json names it after `up`; before that, where infra/lib/poppler.mjs unpacks it.
    const unpacked = `${repoRoot}.stack/poppler/bin/pdftotext`;
    const pdftotext = bed.stack.pdftotextPath ?? (existsSync(unpacked) ? unpacked : null);
    const report = await fetch(`${quality().url}/v1/eight-ds/${id}/report.pdf`, { headers: { authorization: `Bearer ${champion}` } });
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toMatch(/application\/pdf/);
    const bytes = Buffer.from(await report.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdftotext, 'pdftotext from the stack (infra/lib/poppler.mjs) or PDFTOTEXT_PATH').toBeTruthy();
    const dir = mkdtempSync(join(tmpdir(), 'quality-report-'));
    writeFileSync(join(dir, 'report.pdf'), bytes);
    const text = execFileSync(pdftotext!, ['-layout', join(dir, 'report.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('FM-NOZZLE-CRACK');
    expect(text).toContain(olderModel);
    expect(text).toContain('Inspect nozzle for radial cracks and fit NZ-15-R');
    expect(text).toContain('Nozzle alloy lot L-2291 below hardness specification');
    expect(text).toContain('Why 4: Supplier changed heat treatment');
    // Chinese and German print as written (an embedded CJK font), and read back as text.
    expect(text).toContain('Why 5: 供应商更改热处理工艺未通知 (Müller Härterei)');
    for (const owner of ['Quality engineer on duty (qe-on-duty)', 'Zhao Min (sc-zhao)', 'Chen Jie (de-chen)', 'Sun Yu (pe-sun)']) expect(text).toContain(owner);
    for (const d of ['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8']) expect(text).toMatch(new RegExp(`${d} [A-Z][a-z]+.*?: owner [A-Z]`));
    const html = await api(quality(), 'GET', `/v1/eight-ds/${id}/report.html`, { token: champion });
    expect(String(html.body)).toContain('Nozzle alloy lot L-2291 below hardness specification');

    await step(id, 'D8', { summary: 'No recurrence in 500 h', recognition: 'Supply chain and design team' });
    await eventually('the 8D closed', async () => ((await eightDsFor(olderModel)).find((e) => e.id === id)?.status === 'closed' ? true : undefined));
    const afterClosure = await api(quality(), 'POST', `/v1/eight-ds/${id}/disciplines/D8/approval`, { token: champion });
    expect(afterClosure.status, JSON.stringify(afterClosure.body)).toBe(409);
    // Each discipline told its owner as it opened (notifications puts it in their inbox), D1's plan included.
    const assigned = await eventually('eight D1..D8 assignments on Kafka', async () => {
      const events = (await readTopic(bed.stack.kafkaBrokers, topic('quality.eight-ds.v1'))).map((m) => JSON.parse(m.value) as { id: string; type: string; data: { eightDId: string; discipline: string; owner: string } });
      const mine = [...new Map(events.filter((e) => e.type === 'eight-d.discipline-assigned' && e.data.eightDId === id).map((e) => [e.id, e.data])).values()];
      return mine.length >= 8 ? mine : undefined;
    });
    expect(assigned.map((d) => `${d.discipline} ${d.owner}`).sort()).toEqual(['D1 qe-on-duty', 'D2 qe-on-duty', 'D3 sc-zhao', 'D4 de-chen', 'D5 de-chen', 'D6 pe-sun', 'D7 de-chen', 'D8 qe-on-duty']);
    // The closed 8D became a knowledge-base article intake can find.
    const article = await eventually('the 8D as an article', async () => {
      const r = await api(quality(), 'GET', `/v1/articles?q=nozzle%20cracks&model=${olderModel}`, { token: champion });
      const items = r.body.items as { id: string; cause: string }[];
      return items.find((a) => a.id === `KB-${id}`);
    });
    expect(article.cause).toContain('L-2291');

    // Articles are versioned: an edit publishes version 2; an edit of a stale copy is refused.
    const edit = { title: 'Cracked nozzle on oxygen cutting', models: [olderModel, newerModel], symptom: 'nozzle cracks after oxygen cutting', cause: article.cause, fix: 'Fit NZ-15-R; check nozzle lot', parts: ['NZ-15-R'] };
    const edited = await api(quality(), 'PUT', `/v1/articles/KB-${id}`, { token: champion, body: { ...edit, baseVersion: 1 } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.version).toBe(2);
    const stale = await api(quality(), 'PUT', `/v1/articles/KB-${id}`, { token: champion, body: { ...edit, baseVersion: 1 } });
    expect(stale.status).toBe(409);
    expect(stale.body.error?.field).toBe('baseVersion');
    const versions = await api(quality(), 'GET', `/v1/articles/KB-${id}/versions`, { token: champion });
    expect((versions.body.items as { version: number }[]).map((v) => v.version)).toEqual([2, 1]);
    const published = await readTopic(bed.stack.kafkaBrokers, topic('quality.articles.v1'), { atLeast: 2 });
    const ofThis = published.map((m) => JSON.parse(m.value) as { data: { articleId: string; version: number } }).filter((e) => e.data.articleId === `KB-${id}`);
    expect([...new Set(ofThis.map((e) => e.data.version))].sort()).toEqual([1, 2]);
    // An editor died between storing version 3 and moving the article: the next edit of version 2 is
    // refused (version 3 exists) and moves the article to it, so an edit of version 3 goes through.
    const crashed = { ...edit, fix: 'Fit NZ-15-R; check nozzle lot and seat' };
    await withMongo(bed.stack.mongoUrl, (client) =>
      client.db(`${bed.ns}_quality`).collection<{ _id: string } & Record<string, unknown>>('articleVersions').insertOne({ _id: `KB-${id}@3`, articleId: `KB-${id}`, version: 3, ...crashed, publishedAt: new Date(), eightDId: null, editedBy: 'qe-crashed' }),
    );
    expect((await api(quality(), 'PUT', `/v1/articles/KB-${id}`, { token: champion, body: { ...edit, baseVersion: 2 } })).status).toBe(409);
    const mended = await api(quality(), 'GET', `/v1/articles/KB-${id}`, { token: champion });
    expect(mended.body).toMatchObject({ version: 3, fix: crashed.fix });
    expect((await api(quality(), 'PUT', `/v1/articles/KB-${id}`, { token: champion, body: { ...edit, baseVersion: 3 } })).body.version).toBe(4);
    const all = await api(quality(), 'GET', `/v1/articles/KB-${id}/versions`, { token: champion });
    expect((all.body.items as { version: number }[]).map((v) => v.version)).toEqual([4, 3, 2, 1]);
    // The activity that published it logged with its workflow's id (the worker's log context).
    const logged = readFileSync(`${repoRoot}.stack/logs/tests/${bed.ns}-quality.log`, 'utf8').split('\n').filter((l) => l.includes('closed 8D published as a knowledge-base article'));
    expect(logged.map((l) => (JSON.parse(l) as { workflowId?: string }).workflowId)).toContain(`${bed.ns}:${id}`);
  });

  it('the same mode on a newer model after the 8D closed opens a new 8D linked to the old one', async () => {
    expect(firstEightD).not.toBe('');
    await eventually('the first 8D closed', async () => ((await eightDsFor(olderModel)).find((e) => e.id === firstEightD)?.status === 'closed' ? true : undefined));
    const onNewer = failure(newerModel, 'FM-NOZZLE-CRACK', new Date());
    await producer.publish([{ topic: topic('intake.service-requests.v1'), event: onNewer.registered }]);
    await producer.publish([{ topic: topic('dispatch.work-orders.v1'), event: onNewer.completed }]);
    const [linked] = await eventually('an 8D on the newer model', async () => {
      const items = await eightDsFor(newerModel);
      return items.length > 0 ? items : undefined;
    });
    bed.started.push(linked!.id);
    expect(linked).toMatchObject({ status: 'open', linkedTo: firstEightD });
    expect(linked!.rules).toContain('newer-model-after-closure');
    expect(linked!.id).not.toBe(firstEightD);
  });

  it('documents the 8D, recurrence and knowledge-base endpoints in its OpenAPI document, and answers bad input with the field', async () => {
    const r = await api(quality(), 'GET', '/openapi.json');
    expect(r.status).toBe(200);
    const paths = Object.keys((r.body as { paths: Record<string, unknown> }).paths);
    for (const path of ['/v1/eight-ds', '/v1/eight-ds/{id}', '/v1/eight-ds/{id}/disciplines/{discipline}/submission', '/v1/eight-ds/{id}/disciplines/{discipline}/approval', '/v1/eight-ds/{id}/disciplines/{discipline}/return', '/v1/eight-ds/{id}/report.pdf', '/v1/recurrences', '/v1/articles', '/v1/articles/{id}/versions']) {
      expect(paths).toContain(path);
    }
    const badShape = await api(quality(), 'POST', `/v1/eight-ds/${firstEightD || 'x'}/disciplines/D5/submission`, { token: champion, body: { content: { actions: [{ action: 'a', owner: 'sc-zhao', dueAt: 'tomorrow' }] } } });
    expect(badShape.status).toBe(400);
    expect(badShape.body.error?.field).toBe('content.actions.0.dueAt');

    // What the fuzzer found: an 8D that does not exist is 404, ids follow the identifier rule, an undeclared method is 405.
    const noSuch = await api(quality(), 'POST', '/v1/eight-ds/8D-NOPE-1/disciplines/D0/submission', { token: champion, body: { content: { actions: 'x' } } });
    expect([noSuch.status, noSuch.body.error?.field]).toEqual([404, 'id']);
    const noSuchApproval = await api(quality(), 'POST', '/v1/eight-ds/8D-NOPE-1/disciplines/D0/approval', { token: champion });
    expect([noSuchApproval.status, noSuchApproval.body.error?.field]).toEqual([404, 'id']);
    for (const model of ['FL%013015', 'FL%F0%9F%98%803015', 'FL%203015']) {
      const generation = await api(quality(), 'PUT', `/v1/model-generations/${model}`, { token: champion, body: { productLine: line, generation: 1 } });
      expect([generation.status, generation.body.error?.field], model).toEqual([400, 'model']);
    }
    const badLine = await api(quality(), 'PUT', '/v1/model-generations/FL-3015', { token: champion, body: { productLine: 'laser\u0000', generation: 1 } });
    expect([badLine.status, badLine.body.error?.field]).toEqual([400, 'productLine']);
    const undeclared = await api(quality(), 'DELETE', '/v1/eight-ds/8D-NOPE-1', { token: champion });
    expect([undeclared.status, undeclared.headers.get('allow'), undeclared.body.error?.code]).toEqual([405, 'GET, HEAD', 'method_not_allowed']);
  });

  it('a quality engineer opens an 8D by hand for the cases, parts and supplier claims it concerns, and its workflow starts', async () => {
    const model = `LC-${suffix}-H`;
    const leak = failure(model, 'FM-SEAL-LEAK', new Date());
    await producer.publish([{ topic: topic('intake.service-requests.v1'), event: leak.registered }]);
    await producer.publish([{ topic: topic('dispatch.work-orders.v1'), event: leak.completed }]);
    await eventually('the failure record of the leaking seal', async () => {
      const r = await api(quality(), 'GET', `/v1/failure-records?model=${model}`, { token: champion });
      return (r.body.items as { requestId: string }[] | undefined)?.some((f) => f.requestId === leak.requestId) ? true : undefined;
    });
    const problem = { productLine: line, model, failureMode: 'FM-SEAL-LEAK' };
    const body = { problem, reason: 'Customer escalation: coolant seal leaks at two sites', concerns: { requestIds: [leak.requestId], partNumbers: ['SEAL-22'], supplierClaimIds: ['SCL-0001'] } };
    const opened = await api(quality(), 'POST', '/v1/eight-ds', { token: champion, body });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = opened.body.id as string;
    expect(opened.body).toMatchObject({ status: 'open', openedBy: 'qe-on-duty', concerns: body.concerns });
    bed.started.push(id);
    const read = await eventually(`${id}'s workflow`, async () => {
      const r = await api(quality(), 'GET', `/v1/eight-ds/${id}`, { token: champion });
      return (r.body.state as { disciplines?: unknown[] } | null)?.disciplines?.length ? r.body : undefined;
    });
    expect(read).toMatchObject({ rules: [], openedBy: 'qe-on-duty', concerns: { partNumbers: ['SEAL-22'], supplierClaimIds: ['SCL-0001'] } });
    expect((read.failureRecords as { id: string }[]).map((r) => r.id)).toEqual([`FR-${leak.requestId}`]);

    const again = await api(quality(), 'POST', '/v1/eight-ds', { token: champion, body });
    expect([again.status, again.body.error?.field]).toEqual([409, 'problem']);
    const unknownCase = await api(quality(), 'POST', '/v1/eight-ds', { token: champion, body: { ...body, problem: { ...problem, failureMode: 'FM-OTHER' }, concerns: { requestIds: ['SR-NOBODY'] } } });
    expect([unknownCase.status, unknownCase.body.error?.field]).toEqual([422, 'concerns.requestIds.0']);
    const badModel = await api(quality(), 'POST', '/v1/eight-ds', { token: champion, body: { ...body, problem: { ...problem, model: 'LC 1' } } });
    expect([badModel.status, badModel.body.error?.field]).toEqual([400, 'problem.model']);
    const agent = await api(quality(), 'POST', '/v1/eight-ds', { token: await tokenFor('agent'), body });
    expect(agent.status).toBe(403);
  });

  it("a closed case's fix becomes a knowledge-base article, once, from what the case recorded", async () => {
    const single = failure('FL-9999', 'FM-LENS-FOG', new Date());
    single.registered.data.symptom = 'Cut quality drops after an hour, lens fogged';
    await producer.publish([{ topic: topic('intake.service-requests.v1'), event: single.registered }]);
    await producer.publish([{ topic: topic('dispatch.work-orders.v1'), event: single.completed }]);
    // The two streams are consumed independently, so the completion may land before the
    // registration; the case is fully recorded once its failure record carries the model.
    await eventually('the failure record attributed to FL-9999', async () => {
      const r = await api(quality(), 'GET', '/v1/failure-records?model=FL-9999', { token: champion });
      return (r.body.items as { requestId: string }[] | undefined)?.some((f) => f.requestId === single.requestId) ? true : undefined;
    });
    const created = await eventually('the article from the case', async () => {
      const r = await api(quality(), 'POST', '/v1/articles/from-case', { token: champion, body: { requestId: single.requestId } });
      return r.status === 201 ? r.body : undefined;
    });
    expect(created).toMatchObject({ id: `KB-${single.requestId}`, version: 1, models: ['FL-9999'], symptom: 'Cut quality drops after an hour, lens fogged', fix: 'Nozzle replaced', parts: ['NZ-15'] });
    const search = await api(quality(), 'GET', '/v1/articles?q=lens fogged&model=FL-9999', { token: champion });
    expect((search.body.items as { id: string }[]).map((a) => a.id)).toContain(`KB-${single.requestId}`);
    const again = await api(quality(), 'POST', '/v1/articles/from-case', { token: champion, body: { requestId: single.requestId } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ field: 'requestId' });
    const unknown = await api(quality(), 'POST', '/v1/articles/from-case', { token: champion, body: { requestId: 'SR-NOBODY' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ field: 'requestId' });
  });
});
