import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImage, stageImage, type StagedImage } from './support/image';
import { freePort, testJwtSecret } from './support/services';
import { eventually } from './support/wait';

/**
 * The web console as its image runs it, without Docker: the files console/Dockerfile's run stage
 * copies, `npm ci --omit=dev` as its RUN says, then its CMD with plain node and the image's
 * NODE_ENV=production. The service behind /api/intake is a stand-in HTTP server of this test,
 * since what is proven is the console's own process, not intake.
 */
describe('the console image', () => {
  const logs: string[] = [];
  const reached: string[] = [];
  // a stand-in for intake that says what reached it
  const upstream = http.createServer((req, res) => {
    reached.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', service: 'stand-in-intake' }));
  });
  let image: StagedImage;
  let consoleProcess: ChildProcess;
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    image = stageImage('console', 'console/Dockerfile');
    const port = await freePort();
    consoleProcess = runImage(
      image,
      {
        CONSOLE_HOST: '127.0.0.1',
        CONSOLE_PORT: String(port),
        INTAKE_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
        AUTH_JWT_SECRET: testJwtSecret,
        AUTH_ISSUER: 'aftersales-test',
      },
      (chunk) => logs.push(chunk),
    );
    url = `http://127.0.0.1:${port}`;
    await eventually('console /healthz', async () => {
      if (consoleProcess.exitCode !== null) throw new Error(`console exited ${consoleProcess.exitCode}: ${logs.join('').slice(-2000)}`);
      return (await fetch(`${url}/healthz`).catch(() => null))?.ok || undefined;
    }, { timeoutMs: 30_000, intervalMs: 200 });
  }, 240_000);

  afterAll(() => {
    consoleProcess?.kill('SIGTERM');
    upstream.close();
    image?.remove();
  });

  it('holds the bundled server, the built app and production packages only', () => {
    expect(image.env).toMatchObject({ NODE_ENV: 'production', CONSOLE_HOST: '0.0.0.0' });
    expect(image.env).not.toHaveProperty('CONSOLE_DEV_LOGIN');
    expect(image.env).not.toHaveProperty('PROCESS_ROLE');
    expect(existsSync(path.join(image.dir, 'console/dist/server.js'))).toBe(true);
    expect(existsSync(path.join(image.dir, 'console/web/dist/index.html'))).toBe(true);
    expect(existsSync(path.join(image.dir, 'console/server/main.ts'))).toBe(false);
    expect(existsSync(path.join(image.dir, 'console/web/src'))).toBe(false);
    expect(existsSync(path.join(image.dir, 'node_modules/express'))).toBe(true);
    // React is inside the built app; the image installs neither it nor the build's tools
    for (const dev of ['react', 'react-dom', 'vite', 'tsx', 'typescript', 'vitest', 'esbuild']) expect(existsSync(path.join(image.dir, 'node_modules', dev)), dev).toBe(false);
  });

  it("answers the image's HEALTHCHECK", () => {
    const [cmd, ...args] = image.healthcheck;
    expect(cmd).toBe('node');
    // the check reads the port from the environment, as in the container
    execFileSync(process.execPath, args, { env: { CONSOLE_PORT: new URL(url).port }, timeout: 10_000 });
    // and fails where nothing answers, so a passing check means something
    expect(() => execFileSync(process.execPath, args, { env: { CONSOLE_PORT: '1' }, timeout: 10_000, stdio: 'pipe' })).toThrow();
  });

  it('serves the built index.html, and the script it names loads', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toBe(readFileSync(path.join(image.dir, 'console/web/dist/index.html'), 'utf8'));
    const script = /<script[^>]*\bsrc="([^"]+)"/.exec(html)?.[1];
    expect(script).toMatch(/^\/assets\/.+\.js$/);
    const loaded = await fetch(new URL(script!, url));
    expect(loaded.status).toBe(200);
    expect(loaded.headers.get('content-type')).toMatch(/javascript/);
    expect((await loaded.text()).length).toBeGreaterThan(1000);
  });

  it('refuses the development login in production', async () => {
    const login = await fetch(`${url}/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'agent' }) });
    expect(login.status).toBe(404);
    expect(((await (await fetch(`${url}/auth/config`)).json()) as { devLogin: boolean }).devLogin).toBe(false);
  });

  it('forwards /api/intake/... to the service INTAKE_URL names', async () => {
    const response = await fetch(`${url}/api/intake/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'stand-in-intake' });
    expect(reached).toContain('GET /healthz');
  });
});
