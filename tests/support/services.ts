import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { signToken, type Role } from '@aftersales/platform';
import { repoRoot, serviceEnv, type StackEndpoints } from './stack';
import { eventually } from './wait';

export type ServiceName = 'intake' | 'dispatch' | 'spares' | 'quality' | 'notifications' | 'insight';

export const testJwtSecret = 'test-secret-for-end-to-end-runs-only-0123456789';
const issuer = 'aftersales-test';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function tokenFor(role: Role, sub = `test-${role}`): Promise<string> {
  return signToken({ sub, roles: [role] }, { secret: testJwtSecret, issuer });
}

/** A service running as its own OS process, as it runs in production: it can be killed for real. */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  readonly url: string;

  constructor(
    readonly name: ServiceName,
    private readonly namespace: string,
    private readonly stack: StackEndpoints,
    readonly port: number,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(name: ServiceName, namespace: string, stack: StackEndpoints, extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = new ServiceProcess(name, namespace, stack, await freePort(), extraEnv);
    await service.start();
    return service;
  }

  /** Starts the process (again, after a kill) and waits until /readyz answers 200, or /healthz for an API-only role. */
  async start(env: Record<string, string> = {}): Promise<void> {
    const logDir = `${repoRoot}.stack/logs/tests`;
    mkdirSync(logDir, { recursive: true });
    const log = createWriteStream(`${logDir}/${this.namespace}-${this.name}.log`, { flags: 'a' });
    const child = spawn(process.execPath, ['--import', 'tsx', `services/${this.name}/main.ts`], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...serviceEnv(this.stack),
        NODE_ENV: 'test',
        LOG_LEVEL: 'debug',
        PLATFORM_NAMESPACE: this.namespace,
        [`${this.name.toUpperCase()}_PORT`]: String(this.port),
        AUTH_JWT_SECRET: testJwtSecret,
        AUTH_ISSUER: issuer,
        OUTBOX_POLL_MS: '200',
        ...this.extraEnv,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    // Kept so a process that dies while starting says why in the test's own failure (CI keeps no logs).
    let stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-2_000);
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const role = env.PROCESS_ROLE ?? this.extraEnv.PROCESS_ROLE ?? 'all';
    const probe = role === 'worker' ? null : role === 'api' ? '/healthz' : '/readyz';
    if (!probe) return;
    const closed = new Promise((resolve) => child.once('close', resolve));
    const outcome = await eventually(`${this.name} ${probe}`, async () => {
      if (child.exitCode !== null) return 'exited';
      const response = await fetch(`${this.url}${probe}`);
      return response.ok ? 'ready' : undefined;
    }, { timeoutMs: 120_000, intervalMs: 300 });
    if (outcome === 'exited') {
      await closed; // its stderr fully read
      throw new Error(`${this.name} exited with ${child.exitCode} while starting: ${stderrTail.trim() || 'nothing on stderr'}`);
    }
  }

  /** The OS process id while it runs (benchmarks read its memory from /proc). */
  get pid(): number {
    if (this.child?.pid === undefined || this.child.exitCode !== null) throw new Error(`${this.name} is not running`);
    return this.child.pid;
  }

  /** SIGKILL: no shutdown hooks, no flush; what was not durable is gone. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /**
   * SIGTERM, as an orchestrator stops a service: answers how the process exited and how long it
   * took. A process still running after `killAfterMs` is killed (and answers its signal), so a
   * broken shutdown fails the test instead of outliving it.
   */
  async terminate(killAfterMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const child = this.child;
    if (!child || child.exitCode !== null) throw new Error(`${this.name} is not running`);
    const started = Date.now();
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    const signal = await exited;
    clearTimeout(timer);
    return { code: child.exitCode, signal, ms: Date.now() - started };
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

export async function api(service: ServiceProcess, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, body: json as Record<string, unknown> & { error?: { code: string; message: string; field?: string } } };
}
