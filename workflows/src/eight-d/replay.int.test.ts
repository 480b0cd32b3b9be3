import { readdirSync, readFileSync } from 'node:fs';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowInterceptorModules } from '../index';

const historiesDir = new URL('./histories/', import.meta.url);
const workflowsPath = new URL('../quality-workflows.ts', import.meta.url).pathname;

/**
 * 8Ds run for weeks, so deployments happen under open runs: histories committed from earlier
 * versions of the eightD workflow must replay through today's code. v1 histories were recorded
 * before the knowledge-base article was published on closure (now behind patched('kb-article-on-close')).
 */
describe('eightD replays the histories of earlier versions', () => {
  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  });

  const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

  it('has committed histories to replay, one of a closed 8D', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
    const closed = files.some((f) => readFileSync(new URL(f, historiesDir), 'utf8').includes('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED'));
    expect(closed).toBe(true);
  });

  it.each(files)('%s', async (file) => {
    const history = JSON.parse(readFileSync(new URL(file, historiesDir), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowsPath, interceptors: { workflowModules: workflowInterceptorModules } }, history, file)).resolves.toBeUndefined();
  });
});
