import { describe, expect, it } from 'vitest';
import { api } from './support/services';
import { withMongo } from './support/mongo';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

interface Entry {
  _id: string;
  actor: string;
  action: string;
  subject: string;
  kind: string;
  before: unknown;
  after: unknown;
}

/**
 * The audit chain of a real service process: a change made through its API is in its chain with
 * who made it (appended by the outbox relay), an auditor's reads are themselves in the chain, and
 * an entry edited in the service's database is named by /v1/audit/verification at its seq.
 */
describe('audit chain', () => {
  const bed = useTestBed('audit-chain', { spares: {} });
  const call = (method: string, path: string, role: Parameters<typeof bed.token>[0], body?: unknown) => api(bed.service('spares'), method, path, { token: bed.token(role), ...(body === undefined ? {} : { body }) });

  async function chain(): Promise<Entry[]> {
    const entries: Entry[] = [];
    for (let after = 0; ; ) {
      // Read as platform: its reads are not logged, so reading the chain does not grow it.
      const page = await call('GET', `/v1/audit/entries?after=${after}&limit=500`, 'platform');
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      entries.push(...(page.body.items as Entry[]));
      if (page.body.next === null) return entries;
      after = page.body.next as number;
    }
  }

  it('chains a change with who made it and the fields before and after, logs an auditor\u2019s reads, and names an edited entry', async () => {
    const current = await call('GET', '/v1/requisition-approval-rules/default', 'spares');
    expect(current.status).toBe(200);
    const { version, body } = current.body as { version: number; body: { budgetCents: number } };
    const amended = await call('POST', '/v1/requisition-approval-rules/default/versions', 'manager', { body: { ...body, budgetCents: body.budgetCents + 100 }, reason: 'audit e2e: budget raised by one unit', expectedVersion: version });
    expect(amended.status, JSON.stringify(amended.body)).toBe(201);

    const change = await eventually('the amendment in the chain', async () => (await chain()).find((e) => e.action === 'amend requisition approval rules' && e.subject === 'default' && (e.after as { version: number }).version === version + 1));
    expect(change).toMatchObject({
      actor: 'test-manager',
      kind: 'state',
      before: { version, body: { budgetCents: body.budgetCents } },
      after: { version: version + 1, body: { budgetCents: body.budgetCents + 100 }, changedBy: 'test-manager', reason: 'audit e2e: budget raised by one unit' },
    });

    // The auditor reads a rule and the chain: both reads are entries of their own, with the query string.
    expect((await call('GET', `/v1/requisition-approval-rules/default?at=${encodeURIComponent(new Date().toISOString())}`, 'auditor')).status).toBe(200);
    const read = await call('GET', '/v1/audit/entries?after=0&limit=3', 'auditor');
    expect(read.status).toBe(200);
    const queries = (await chain()).filter((e) => e.action === 'query');
    expect(queries.map((q) => [q.actor, (q.after as { method: string; path: string }).path])).toEqual([
      ['test-auditor', '/v1/requisition-approval-rules/default'],
      ['test-auditor', '/v1/audit/entries'],
    ]);
    expect(queries[0]!.after).toMatchObject({ method: 'GET', query: expect.stringMatching(/^at=/) });
    expect(queries[1]!.after).toMatchObject({ method: 'GET', query: 'after=0&limit=3' });
    // The auditor stays read-only: the write is refused, and a refused write changes nothing.
    expect((await call('POST', '/v1/requisition-approval-rules/default/versions', 'auditor', { body, reason: 'an auditor may not write' })).status).toBe(403);

    const verified = await call('GET', '/v1/audit/verification', 'auditor');
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true });

    await withMongo(bed.stack.mongoUrl, (client) => client.db(`${bed.ns}_spares`).collection<{ _id: string }>('audit_chain').updateOne({ _id: change!._id }, { $set: { actor: 'someone-else' } }));
    const broken = await call('GET', '/v1/audit/verification', 'platform');
    expect(broken.status).toBe(200);
    expect(broken.body).toMatchObject({ ok: false, seq: Number(change!._id), break: 'edited' });
  });
});
