import { describe, expect, it } from 'vitest';
import { namespaced, type Platform } from '@aftersales/platform';
import { shippedEightDRules } from '../domain/managed-rules';
import { eightDStarter, eightDWorkflowId } from './eight-d-starter';

/** What the starter asks Temporal for, from a platform under a namespace (the start itself is the SDK's). */
async function startedIn(namespace: string, eightDId: string): Promise<{ workflowId: string; taskQueue: string }> {
  const starts: { workflowId: string; taskQueue: string }[] = [];
  const platform = {
    config: { PLATFORM_NAMESPACE: namespace },
    taskQueue: (name: string) => namespaced(namespace, name),
    logger: { info: () => undefined },
    temporal: { workflow: { start: async (_type: string, options: { workflowId: string; taskQueue: string }) => void starts.push(options) } },
  } as unknown as Platform;
  const rules = { eightDRulesAt: async () => Object.values(shippedEightDRules)[0]! };
  const data = { eightDId, problem: { productLine: 'fiber-laser-cutting', model: 'FL-3015', failureMode: 'FM-BURR' }, rule: 'same-model-repeat', reason: '3 failures', linkedTo: null, failureRecordIds: [], openedAt: new Date().toISOString() };
  await eightDStarter(platform, rules).handlers['eight-d.opened@1']!({ event: { id: 'evt-1', type: 'eight-d.opened', version: 1, data } } as never);
  return starts[0]!;
}

describe('the 8D workflow id', () => {
  it('differs between two namespaces opening the same 8D id on one Temporal server', async () => {
    const a = await startedIn('t-contract-a', '8D-FL-3015-BURR-1');
    const b = await startedIn('t-fuzz-b', '8D-FL-3015-BURR-1');
    expect(a.workflowId).not.toBe(b.workflowId);
    expect(a).toEqual({ ...a, workflowId: 't-contract-a:8D-FL-3015-BURR-1', taskQueue: 't-contract-a-quality-eight-ds' });
  });

  it('is the 8D id itself without a namespace, so 8Ds already running keep their ids', async () => {
    expect((await startedIn('', '8D-FL-3015-BURR-1')).workflowId).toBe('8D-FL-3015-BURR-1');
    expect(eightDWorkflowId({ config: { PLATFORM_NAMESPACE: '' } } as Platform, '8D-X-1')).toBe('8D-X-1');
  });
});
