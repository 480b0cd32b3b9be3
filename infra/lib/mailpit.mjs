// Mailpit: an SMTP server that keeps what it receives and shows it through a web UI and a
// REST API (GET /api/v1/messages), so notification e-mail can be read back by tests and
// people. Built from the Go module proxy like FerretDB.
import fs from 'node:fs';
import path from 'node:path';
import { HOST, dirs, logFile, ports } from './paths.mjs';
import { requireTool, run, seconds } from './proc.mjs';

export const MAILPIT_VERSION = 'v1.33.1';
const MODULE = 'github.com/axllent/mailpit';
const bin = path.join(dirs.bin, 'mailpit');
const stampFile = path.join(dirs.bin, 'mailpit.version');
const dataDir = path.join(dirs.data, 'mailpit');

function installed() {
  try {
    return fs.existsSync(bin) && fs.readFileSync(stampFile, 'utf8').trim() === MAILPIT_VERSION;
  } catch {
    return false;
  }
}

/**
 * `go install module@version` works here (no replace directives, no generated files the
 * binary needs at start). Two things the plain install misses: the version string is set by
 * the release build through -ldflags (without it the binary calls itself "dev"), and the
 * web UI's bundle (server/ui/dist, built by esbuild from npm sources) is not in the module
 * zip, so the UI page loads without its script; the REST API and SMTP are complete.
 */
async function install(log) {
  if (installed()) return false;
  requireTool('go', ['version'], 'needed to build Mailpit from the Go module proxy');
  const t = Date.now();
  const logPath = logFile('install-mailpit');
  const gobin = path.join(dirs.stack, 'mailpit-build');
  fs.mkdirSync(gobin, { recursive: true });
  log(`mailpit: go install ${MODULE}@${MAILPIT_VERSION} from the Go module proxy (a minute or three; log ${logPath})`);
  const env = { ...process.env, GOFLAGS: '', GO111MODULE: 'on', GOBIN: gobin, CGO_ENABLED: '0' };
  const ldflags = `-s -w -X ${MODULE}/config.Version=${MAILPIT_VERSION}`;
  await run('go', ['install', '-trimpath', '-buildvcs=false', '-ldflags', ldflags, `${MODULE}@${MAILPIT_VERSION}`], {
    cwd: gobin, env, logFile: logPath,
  });
  fs.mkdirSync(dirs.bin, { recursive: true });
  fs.renameSync(path.join(gobin, 'mailpit'), bin);
  const out = await run(bin, ['version', '--no-release-check']);
  if (!out.includes(MAILPIT_VERSION)) throw new Error(`built mailpit reports an unexpected version:\n${out}`);
  fs.writeFileSync(stampFile, `${MAILPIT_VERSION}\n`);
  log(`mailpit: built ${bin} in ${seconds(t)}`);
  return true;
}

function prepare() {
  fs.mkdirSync(dataDir, { recursive: true });
}

function command() {
  const p = ports();
  return {
    cmd: bin,
    args: [
      `--smtp=${HOST}:${p.smtp}`,
      `--listen=${HOST}:${p.mailUi}`,
      `--database=${path.join(dataDir, 'mailpit.db')}`,
      '--disable-version-check',
      // enough for a test run's notices; older messages are pruned first
      '--max=20000',
      // A sender that dies after the server accepted a message and before it recorded so sends it
      // again with the same Message-ID; the mailbox keeps one, as a receiving MTA that de-duplicates does.
      '--ignore-duplicate-ids',
    ],
  };
}

const uiUrl = () => `http://${HOST}:${ports().mailUi}`;

/** Healthy when the API answers with its version (the SMTP listener starts before the HTTP one). */
async function probe() {
  const res = await fetch(`${uiUrl()}/api/v1/info`, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) return false;
  const body = await res.json();
  return typeof body.Version === 'string';
}

function info() {
  const p = ports();
  return { smtp: { host: HOST, port: p.smtp }, uiUrl: uiUrl(), apiUrl: `${uiUrl()}/api/v1`, version: MAILPIT_VERSION };
}

export const mailpit = {
  name: 'mailpit',
  marker: 'mailpit',
  startTimeoutMs: 20_000,
  stopTimeoutMs: 10_000,
  install,
  prepare,
  command,
  probe,
  info,
  port: () => ports().smtp,
  describe: (i) => `Mailpit ${i.version}  smtp ${i.smtp.host}:${i.smtp.port}  ui ${i.uiUrl}`,
};
