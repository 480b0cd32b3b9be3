import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { defineRoute, type RouteSpec } from '../http/route';
import { currentActor } from './actor';
import type { AuditDraft } from './chain';
import { queryDraft, withAuditTrail } from './routes';
import type { AuditChain } from './store';

const at = new Date(Date.now());

function recordingChain() {
  const appended: AuditDraft[] = [];
  return { appended, chain: { append: async (drafts: AuditDraft[]) => void appended.push(...drafts) } as unknown as AuditChain };
}

const route = defineRoute({
  method: 'get',
  path: '/v1/work-orders/:id',
  summary: 's',
  roles: ['auditor', 'manager'],
  responses: {},
  handler: async () => ({ status: 200, body: { actor: currentActor() ?? null } }),
});

const context = (roles: string[], sub = 'u-1') => ({
  body: undefined, query: { at: new Date(0), empty: undefined, limit: 5 }, params: { id: 'WO 1' }, headers: {},
  principal: { sub, roles: roles as never }, requestId: 'req-1', correlationId: 'req-1', log: pino({ level: 'silent' }),
});

describe('the audit trail of requests', () => {
  it('an auditor\u2019s request is appended before its handler runs, with method, path and query string', async () => {
    const { appended, chain } = recordingChain();
    const [wrapped] = withAuditTrail([route], chain, () => at) as [RouteSpec];
    const result = await wrapped.handler(context(['auditor'], 'aud-1'));
    expect(result.body).toEqual({ actor: 'aud-1' });
    expect(appended).toEqual([
      { at: at.toISOString(), actor: 'aud-1', action: 'query', subject: '/v1/work-orders/WO%201', kind: 'query', before: null, ref: null, after: { method: 'GET', path: '/v1/work-orders/WO%201', query: 'at=1970-01-01T00%3A00%3A00.000Z&limit=5', requestId: 'req-1' } },
    ]);
  });

  it('anyone else\u2019s request is not appended, but its handler runs as its caller (so stored events name who)', async () => {
    const { appended, chain } = recordingChain();
    const [wrapped] = withAuditTrail([route], chain, () => at) as [RouteSpec];
    expect((await wrapped.handler(context(['manager'], 'mgr-1'))).body).toEqual({ actor: 'mgr-1' });
    expect(appended).toEqual([]);
    expect(currentActor()).toBeUndefined();
  });

  it('a query the handler then fails is in the chain all the same', async () => {
    const { appended, chain } = recordingChain();
    const failing = { ...route, handler: async () => Promise.reject(new Error('not found')) };
    const [wrapped] = withAuditTrail([failing], chain, () => at) as [RouteSpec];
    await expect(wrapped.handler(context(['auditor']))).rejects.toThrow('not found');
    expect(appended.map((d) => d.action)).toEqual(['query']);
    expect(queryDraft(route, context(['auditor']), at).subject).toBe('/v1/work-orders/WO%201');
  });
});
