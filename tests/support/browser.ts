import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { repoRoot } from './stack';

/** Debian's chromium as infra/lib/chromium.mjs installed it (stack.json), CHROMIUM_PATH, or the usual place. */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  try {
    const recorded = (JSON.parse(readFileSync(`${repoRoot}.stack/run/stack.json`, 'utf8')) as { chromium?: { path?: string } | null }).chromium?.path;
    if (recorded && existsSync(recorded)) return recorded;
  } catch {
    /* no stack.json yet */
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  throw new Error('no chromium: `node infra/stack.mjs up` installs Debian\'s chromium (apt-get, as root), or set CHROMIUM_PATH');
}

/** Builds the web console (vite) so the test serves the app as it is in the tree. */
export function buildConsole(): void {
  // NODE_ENV is "test" under vitest, which would make Vite bundle React's development build: the
  // tests drive, and the size budget measures, the bundle users get.
  const result = spawnSync('npx', ['vite', 'build', 'console/web', '--logLevel', 'warn'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) throw new Error(`console build failed: ${result.stderr || result.stdout}`);
}

/** The console process on a free port; resolves with its URL once it says where it listens. */
export function startConsole(env: Record<string, string>): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'console/server/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, CONSOLE_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /console listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ url, process: child });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`console exited with ${code}: ${output.slice(-2000)}`)));
  });
}
