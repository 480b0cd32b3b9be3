import { readdirSync, readFileSync } from 'node:fs';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

const historiesDir = new URL('./histories/', import.meta.url);
const workflowsPath = new URL('../spares-workflows.ts', import.meta.url).pathname;

/**
 * Committed histories of requisitionApproval runs must replay through today's code, so open
 * approvals survive a deployment; a change that breaks this needs patched().
 */
describe('requisitionApproval replays committed histories', () => {
  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  });

  const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

  it('has a committed history to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(1);
  });

  it.each(files)('%s', async (file) => {
    const history = JSON.parse(readFileSync(new URL(file, historiesDir), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowsPath }, history, file)).resolves.toBeUndefined();
  });
});
