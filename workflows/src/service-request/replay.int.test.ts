import { readdirSync, readFileSync } from 'node:fs';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowInterceptorModules } from '../index';

const historiesDir = new URL('./histories/', import.meta.url);
const workflowsPath = new URL('../workflows.ts', import.meta.url).pathname;

/**
 * Histories committed from earlier versions of the serviceRequest workflow must replay through
 * today's code without a nondeterminism error: that is what lets open requests live through a
 * deployment. A change that breaks this needs patched() (see legacy-v1.ts).
 */
describe('serviceRequest replays the histories of earlier versions', () => {
  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  });

  const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

  it('has committed histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)('%s', async (file) => {
    const history = JSON.parse(readFileSync(new URL(file, historiesDir), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowsPath, interceptors: { workflowModules: workflowInterceptorModules } }, history, file)).resolves.toBeUndefined();
  });
});
