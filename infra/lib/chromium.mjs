// Headless Chromium for the console's browser tests: Debian's `chromium` package, driven by
// playwright-core through its executablePath. Chromium pulls in some hundred shared libraries
// (GTK, NSS, fonts, ...), so unpacking them by hand as poppler.mjs does is brittle; as root
// (this machine kind, CI) `apt-get install --no-install-recommends chromium` is the honest way.
// Without root and without a chromium on PATH the browser tests say so and fail.
import fs from 'node:fs';
import { logFile } from './paths.mjs';
import { run, seconds } from './proc.mjs';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

function binary() {
  return process.env.CHROMIUM_PATH && fs.existsSync(process.env.CHROMIUM_PATH)
    ? process.env.CHROMIUM_PATH
    : (candidates.find((p) => fs.existsSync(p)) ?? null);
}

async function version(path, logPath) {
  const out = await run(path, ['--headless', '--no-sandbox', '--version'], { logFile: logPath, quiet: true }).catch(() => '');
  return /Chromium (\S+)/.exec(out)?.[1] ?? 'unknown';
}

/** Installs Debian's chromium once; later calls return at once. */
async function install(log) {
  if (binary()) return false;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error('chromium is not installed and this is not root: apt-get install chromium (or set CHROMIUM_PATH)');
  }
  const logPath = logFile('install-chromium');
  const t = Date.now();
  const args = ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-noto-cjk'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`chromium: apt-get ${args.join(' ')} (log ${logPath})`);
  try {
    await run('apt-get', args, { logFile: logPath, env });
  } catch {
    log('chromium: apt-get install failed; running apt-get update once and retrying');
    await run('apt-get', ['update'], { logFile: logPath, env });
    await run('apt-get', args, { logFile: logPath, env });
  }
  const path = binary();
  if (!path) throw new Error(`chromium: no binary after apt-get install (log ${logPath})`);
  log(`chromium: ${await version(path, logPath)} installed in ${seconds(t)}`);
  return true;
}

/** What stack.json records: the binary the browser tests launch. */
function info() {
  const path = binary();
  return path ? { path } : null;
}

export const chromium = { install, info };
