import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registrationBody } from './support/demo';
import { hasMapped, runImage, stageImage, type StagedImage } from './support/image';
import { dropNamespaceDatabases } from './support/mongo';
import { deleteTopicsWithPrefix } from './support/kafka';
import { freePort, testJwtSecret, tokenFor } from './support/services';
import { serviceEnv } from './support/stack';
import { terminateWorkflows } from './support/temporal';
import { eventually, uniqueNamespace } from './support/wait';

/**
 * Intake as its image runs it, without Docker: the files services/intake/Dockerfile's run stage
 * copies, `npm ci --omit=dev` as its RUN says, then its CMD with plain node, once as api and once
 * as worker. The folder holds no TypeScript and no workflow sources, so a request whose workflow
 * runs proves the worker used the prebuilt bundle.
 */
describe('the intake image', () => {
  const stack = inject('stack');
  const ns = uniqueNamespace('image');
  const started: string[] = [];
  const logs: string[] = [];
  let image: StagedImage;
  let apiProcess: ChildProcess;
  let workerProcess: ChildProcess;
  let apiUrl = '';
  let workerUrl = '';

  const start = async (role: 'api' | 'worker') => {
    const port = await freePort();
    const child = runImage(
      image,
      {
        ...serviceEnv(stack),
        HOST: '127.0.0.1',
        INTAKE_PORT: String(port),
        PROCESS_ROLE: role,
        PLATFORM_NAMESPACE: ns,
        AUTH_JWT_SECRET: testJwtSecret,
        AUTH_ISSUER: 'aftersales-test',
        SEED_DEMO_DATA: 'true',
        OUTBOX_POLL_MS: '200',
        LOG_LEVEL: 'warn',
      },
      (chunk) => logs.push(`${role}: ${chunk}`),
    );
    const url = `http://127.0.0.1:${port}`;
    await eventually(`${role} /readyz`, async () => {
      if (child.exitCode !== null) throw new Error(`intake ${role} exited ${child.exitCode}: ${logs.join('').slice(-2000)}`);
      return (await fetch(`${url}/readyz`).catch(() => null))?.ok || undefined;
    }, { timeoutMs: 90_000, intervalMs: 300 });
    return { child, url };
  };

  beforeAll(async () => {
    image = stageImage('intake');
    ({ child: apiProcess, url: apiUrl } = await start('api'));
    ({ child: workerProcess, url: workerUrl } = await start('worker'));
  });

  afterAll(async () => {
    for (const child of [apiProcess, workerProcess]) child?.kill('SIGTERM');
    await terminateWorkflows(stack, started);
    await dropNamespaceDatabases(stack.mongoUrl, ns);
    await deleteTopicsWithPrefix(stack.kafkaBrokers, `${ns}.`);
    image?.remove();
  });

  it('holds only the build output and production packages', () => {
    expect(existsSync(path.join(image.dir, 'services/intake/dist/main.js'))).toBe(true);
    expect(existsSync(path.join(image.dir, 'services/intake/dist/workflow-bundles/service-requests.js'))).toBe(true);
    expect(existsSync(path.join(image.dir, 'services/intake/service.ts'))).toBe(false);
    expect(existsSync(path.join(image.dir, 'workflows/src'))).toBe(false);
    for (const dev of ['tsx', 'typescript', 'vitest', 'esbuild', 'eslint']) expect(existsSync(path.join(image.dir, 'node_modules', dev)), dev).toBe(false);
    expect(image.env).toMatchObject({ NODE_ENV: 'production', PROCESS_ROLE: 'api' });
  });

  it('loads the Temporal native bridge in the worker only', () => {
    expect(hasMapped(workerProcess.pid!, 'core-bridge')).toBe(true);
    expect(hasMapped(apiProcess.pid!, 'core-bridge')).toBe(false);
  });

  it("answers the image's HEALTHCHECK in both roles", () => {
    for (const url of [apiUrl, workerUrl]) {
      const [cmd, ...args] = image.healthcheck;
      expect(cmd).toBe('node');
      // the check reads the port from the environment, as in the container
      execFileSync(process.execPath, args, { env: { INTAKE_PORT: new URL(url).port }, timeout: 10_000 });
    }
  });

  it('registers a request whose workflow runs from the prebuilt bundle', async () => {
    const token = await tokenFor('agent');
    const created = await fetch(`${apiUrl}/v1/service-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `image-${ns}` },
      body: JSON.stringify(registrationBody()),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    started.push(id);
    const state = await eventually('workflow state', async () => {
      const page = (await (await fetch(`${apiUrl}/v1/service-requests/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        workflow: { available: boolean; state?: { status: string; clocks: unknown[] } } | null;
      };
      return page.workflow?.available ? page.workflow.state : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    expect(state?.status).toBe('registered');
    expect(state?.clocks.length).toBeGreaterThan(0);
  });
});
