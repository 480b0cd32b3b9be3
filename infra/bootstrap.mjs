#!/usr/bin/env node
// The two README commands: `npm start` and `npm test`.
//   start: install what is missing, bring the local stack up, run the five services (API and
//          worker in one process each) with demo data, print the URLs; Ctrl-C stops it all.
//   test:  install what is missing, bring the stack up, then lint, check each workspace's declared
//          dependencies, type-check and run every vitest project against the real servers; a
//          stack this run started is stopped after.
// STACK=external skips the local stack: MONGO_URL, KAFKA_BROKERS and TEMPORAL_ADDRESS then
// point at real clusters.
// Node built-ins only: this is what runs on a fresh clone before `npm ci`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const services = [
  { name: 'intake', port: 8081 },
  { name: 'dispatch', port: 8082 },
  { name: 'spares', port: 8083 },
  { name: 'quality', port: 8084 },
  { name: 'notifications', port: 8085 },
  { name: 'insight', port: 8086 },
];

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** npm ci when node_modules is missing or older than the lock file. */
function ensureDependencies() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  console.log('installing npm dependencies (npm ci) ...');
  const t = Date.now();
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) throw new Error('npm ci failed');
  console.log(`npm dependencies installed in ${((Date.now() - t) / 1000).toFixed(1)}s`);
}

/** Starts the local stack unless STACK=external; returns the env services need and whether we started it. */
async function ensureStack() {
  if (process.env.STACK === 'external') {
    for (const name of ['MONGO_URL', 'KAFKA_BROKERS', 'TEMPORAL_ADDRESS']) {
      if (!process.env[name]) throw new Error(`STACK=external needs ${name}`);
    }
    return { env: {}, startedHere: false };
  }
  const stack = await import('./stack.mjs');
  const before = await stack.status({ log: () => {} });
  const info = await stack.up();
  return {
    startedHere: !before.healthy,
    stack,
    env: {
      MONGO_URL: info.mongo.url,
      KAFKA_BROKERS: info.kafka.brokers.join(','),
      TEMPORAL_ADDRESS: info.temporal.address,
      TEMPORAL_NAMESPACE: info.temporal.namespace,
      TEMPORAL_TEST_SERVER_PATH: info.temporalTestServer.path,
      TEMPORAL_UI_URL: info.temporal.uiUrl,
      SMTP_URL: `smtp://${info.mailpit.smtp.host}:${info.mailpit.smtp.port}`,
      MAIL_UI_URL: info.mailpit.uiUrl,
    },
  };
}

const colours = { intake: 36, dispatch: 35, spares: 33, quality: 32, notifications: 34, insight: 31 };
const levels = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** One readable line per pino record: time, service, level, message, ids. */
function formatLine(service, line) {
  const tag = `\x1b[${colours[service]}m${service.padEnd(8)}\x1b[0m`;
  try {
    const r = JSON.parse(line);
    const ids = ['requestId', 'correlationId', 'workflowId', 'eventId'].filter((k) => r[k]).map((k) => `${k}=${r[k]}`).join(' ');
    const err = r.err?.message ? ` (${r.err.message})` : '';
    return `${tag} ${String(r.time ?? '').slice(11, 23)} ${(levels[r.level] ?? r.level).padEnd(5)} ${r.msg ?? ''}${err}${ids ? `  ${ids}` : ''}`;
  } catch {
    return `${tag} ${line}`;
  }
}

async function waitReady(url, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/** The newest modification time under a folder (files only). */
function newestUnder(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the web console (vite) when its bundle is missing or older than its sources. */
function ensureConsoleBuilt() {
  const web = path.join(root, 'console', 'web');
  const built = path.join(web, 'dist', 'index.html');
  const sources = Math.max(newestUnder(path.join(web, 'src')), fs.statSync(path.join(web, 'index.html')).mtimeMs);
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) return;
  const t = Date.now();
  if (run('npx', ['vite', 'build', 'console/web', '--logLevel', 'warn']) !== 0) throw new Error('the web console did not build (npm run console:build)');
  console.log(`web console built in ${((Date.now() - t) / 1000).toFixed(1)}s`);
}

async function start() {
  ensureDependencies();
  ensureConsoleBuilt();
  const { env, stack, startedHere } = await ensureStack();
  const children = services.map(({ name }) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `services/${name}/main.ts`], {
      cwd: root,
      env: { SEED_DEMO_DATA: 'true', ...env, ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.on('data', (chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) if (line.trim()) console.log(formatLine(name, line));
      });
    }
    child.on('exit', (code, signal) => {
      if (!stopping) console.log(formatLine(name, `exited (${signal ?? code})`));
    });
    return { name, child };
  });
  // The web console: serves the built app and proxies /api/<service>/ to the services above.
  const consolePort = process.env.CONSOLE_PORT ?? '8080';
  const consoleChild = spawn(process.execPath, ['--import', 'tsx', 'console/server/main.ts'], {
    cwd: root,
    env: { ...env, ...process.env, CONSOLE_PORT: consolePort },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push({ name: 'console', child: consoleChild });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping services ...');
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', resolve);
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
    // A stack that was already running (another terminal, a test run) is left running.
    if (stack && startedHere) {
      console.log('stopping the local stack (data stays in .stack/data) ...');
      await stack.down();
    }
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const urls = services.map(({ name, port }) => ({ name, url: `http://127.0.0.1:${process.env[`${name.toUpperCase()}_PORT`] ?? port}` }));
  const ready = await Promise.all(urls.map(({ url }) => waitReady(url, 180_000)));
  const intake = urls.find((u) => u.name === 'intake');
  if (intake && ready[urls.indexOf(intake)] && (process.env.SEED_DEMO_DATA ?? 'true') === 'true') await openDemoCases(intake.url, { ...env, ...process.env });
  console.log('\nAfter-sales platform is running:');
  console.log(`  console   http://127.0.0.1:${consolePort}  (the web console: sign in with a role; ${consoleChild.exitCode === null ? 'running' : 'NOT RUNNING, see above'})`);
  urls.forEach(({ name, url }, i) => console.log(`  ${name.padEnd(9)} ${url}  (${ready[i] ? 'ready' : 'NOT READY, see its log lines above'})  ${url}/openapi.json`));
  console.log(`  temporal  ${env.TEMPORAL_UI_URL ?? process.env.TEMPORAL_UI_URL ?? '(external)'}  (Temporal Web UI)`);
  console.log(`  mail      ${env.MAIL_UI_URL ?? process.env.MAIL_UI_URL ?? '(external)'}  (Mailpit: the e-mail notices sent; API ${env.MAIL_UI_URL ?? ''}/api/v1/messages)`);
  console.log('  token     npm run -s token -- --role agent');
  console.log('Ctrl-C stops everything; data stays.\n');
}

/**
 * Two demo service requests through the real flow, so the dispatcher, the engineer, spares and the
 * boards have work on the first start: a critical fault on SN-0001 (P1, assigned at once to the
 * Shanghai engineer, parts reserved) and a minor one on SN-0002 (proposed, for the dispatcher to
 * assign). Fixed Idempotency-Keys: a later start finds the same requests and opens nothing new.
 */
async function openDemoCases(intakeUrl, env) {
  const token = spawnSync(process.execPath, ['--import', 'tsx', 'packages/platform/src/auth/token-cli.ts', '--role', 'agent', '--sub', 'demo-agent'], { cwd: root, env, encoding: 'utf8' }).stdout.trim();
  const cases = [
    { key: 'demo-case-0001', serialNumber: 'SN-0001', customerId: 'CUST-0001', symptom: 'No beam after the nozzle change; the line is stopped', severity: 'critical', faultCategory: 'optical' },
    { key: 'demo-case-0002', serialNumber: 'SN-0002', customerId: 'CUST-0002', symptom: 'Back gauge drifts 0.2 mm over a shift', severity: 'minor', faultCategory: 'mechanical' },
  ];
  for (const c of cases) {
    try {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': c.key };
      const body = { customerId: c.customerId, serialNumber: c.serialNumber, symptom: c.symptom, channel: 'phone', contact: { name: 'Demo caller', phone: '+86 21 5555 0100' }, neededBy: new Date(Date.now() + 2 * 86_400_000).toISOString() };
      const registered = await fetch(`${intakeUrl}/v1/service-requests`, { method: 'POST', headers, body: JSON.stringify(body) });
      let { id } = await registered.json();
      if (registered.status === 422) {
        // Opened on an earlier start (its neededBy differed, so the key refuses the new body): find it.
        const list = await (await fetch(`${intakeUrl}/v1/service-requests?${new URLSearchParams({ serial: c.serialNumber, limit: '50' })}`, { headers: { authorization: headers.authorization } })).json();
        id = list.items?.find((r) => r.symptom === c.symptom)?.id;
      }
      if (!id) continue;
      // The request's process starts a moment after the 201 ("no running process yet": 409 conflict,
      // try again); a request screened on an earlier start answers transition_refused, and is left.
      let screened = null;
      for (let attempt = 0; attempt < 30; attempt += 1) {
        const answer = await fetch(`${intakeUrl}/v1/service-requests/${id}/screening`, { method: 'POST', headers: { authorization: headers.authorization, 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'valid', faultCategory: c.faultCategory, severity: c.severity }) });
        const body = await answer.json().catch(() => ({}));
        if (answer.ok || body.error?.code === 'transition_refused') {
          screened = answer.ok ? body.tier ?? body.state?.tier ?? 'screened' : 'screened earlier';
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      console.log(`demo case ${id} (${c.serialNumber}, ${c.severity}): ${screened ?? 'registered, NOT screened (see intake\'s log)'}`);
    } catch (error) {
      console.log(`demo case ${c.key} not opened: ${error.message}`);
    }
  }
}

async function test() {
  ensureDependencies();
  const { env, stack, startedHere } = await ensureStack();
  const childEnv = { ...process.env, ...env };
  const extra = process.argv.slice(3);
  // Projects run one after another: on two cores, e2e processes and int tests side by side would
  // only slow each other, and the fault tests kill shared servers, so they must run alone.
  const steps = extra.length
    ? [['tests', 'npx', ['vitest', 'run', ...extra]]]
    : [
        ['lint', 'npx', ['eslint', '.']],
        ['dependencies', 'node', ['infra/check-dependencies.mjs']],
        ['deployment files', 'node', ['infra/check-deploy.mjs']],
        ['type-check', 'npx', ['tsc', '-p', 'tsconfig.json']],
        ...['unit', 'int', 'e2e', 'faults'].map((project) => [`${project} tests`, 'npx', ['vitest', 'run', '--project', project]]),
      ];
  let status = 0;
  for (const [label, cmd, args] of steps) {
    const t = Date.now();
    console.log(`\n== ${label}: ${cmd} ${args.join(' ')}`);
    status = run(cmd, args, { env: childEnv });
    console.log(`== ${label}: ${status === 0 ? 'passed' : `FAILED (exit ${status})`} in ${((Date.now() - t) / 1000).toFixed(1)}s`);
    if (status !== 0) break;
  }
  if (stack && startedHere && process.env.KEEP_STACK !== 'true') await stack.down();
  process.exit(status);
}

const command = process.argv[2];
const main = command === 'start' ? start : command === 'test' ? test : null;
if (!main) {
  console.error('usage: node infra/bootstrap.mjs start|test');
  process.exit(2);
}
main().catch((error) => {
  console.error(`${command}: ${error.message}`);
  process.exit(1);
});
