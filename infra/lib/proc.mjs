// Process helpers for infra/stack.mjs: run a command, start a detached server,
// pid files, liveness, stopping with a deadline, waiting on a probe. Node built-ins only.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function seconds(startMs) {
  return `${((Date.now() - startMs) / 1000).toFixed(1)}s`;
}

/** Throws a clear error when a prerequisite tool is not on PATH. */
export function requireTool(tool, versionArgs = ['--version'], why = '') {
  const r = spawnSync(tool, versionArgs, { encoding: 'utf8' });
  if (r.error && r.error.code === 'ENOENT') {
    throw new Error(`prerequisite tool '${tool}' is not installed or not on PATH${why ? ` (${why})` : ''}`);
  }
  return `${r.stdout || ''}${r.stderr || ''}`;
}

/**
 * Runs a command to completion. Output goes to logFile when given (install steps are
 * noisy), else it is captured. Rejects with the output tail on a non-zero exit.
 */
export function run(cmd, args, { cwd, env, logFile, timeoutMs = 15 * 60_000, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    let out = '';
    const fd = logFile ? fs.openSync(logFile, 'a') : null;
    if (fd !== null) fs.writeSync(fd, `\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (d) => {
      out += d;
      if (out.length > 200_000) out = out.slice(-100_000);
      if (fd !== null) fs.writeSync(fd, d);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      if (fd !== null) fs.closeSync(fd);
      reject(e.code === 'ENOENT' ? new Error(`prerequisite tool '${cmd}' is not installed or not on PATH`) : e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (fd !== null) fs.closeSync(fd);
      if (code === 0) return resolve(out);
      const tail = out.trim().split('\n').slice(-25).join('\n');
      const err = new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})${quiet ? '' : `:\n${tail}`}`);
      err.output = out;
      reject(err);
    });
  });
}

// ---- pid files and liveness -------------------------------------------------

export function readPid(pidFile) {
  try {
    const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * True when pid is a live (non-zombie) process whose command line contains marker.
 * The marker check guards against a stale pid file whose pid the kernel reused.
 */
export function isOurProcess(pid, marker) {
  if (!pid) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // state is the field after "(comm)"; a killed child of this very process stays a zombie until reaped
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return cmdline.includes(marker);
  } catch {
    return false;
  }
}

/** Starts a server detached from this script, stdout+stderr appended to logFile; returns the pid. */
export function spawnDetached(cmd, args, { cwd, env, logFile, pidFile }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `\n===== ${new Date().toISOString()} starting: ${cmd} ${args.join(' ')}\n`);
  const child = spawn(cmd, args, { cwd, env: env ?? process.env, detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  child.on('error', () => {}); // reported through the health check and the log
  child.unref();
  fs.writeFileSync(pidFile, `${child.pid}\n`);
  return child.pid;
}

/** Signals the server's process group (detached => pgid == pid), falling back to the pid. */
export function signal(pid, sig) {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

export async function waitForExit(pid, marker, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isOurProcess(pid, marker)) return true;
    await sleep(100);
  }
  return !isOurProcess(pid, marker);
}

/** SIGTERM, wait up to timeoutMs, then SIGKILL. Returns 'stopped' | 'killed'. */
export async function stopProcess(pid, marker, timeoutMs) {
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, marker, timeoutMs)) return 'stopped';
  signal(pid, 'SIGKILL');
  await waitForExit(pid, marker, 10_000);
  return 'killed';
}

// ---- probes -------------------------------------------------------------------

/** True when something accepts TCP connections on host:port. */
export function tcpOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** A free TCP port on 127.0.0.1 (the kernel picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Polls probe() until it resolves truthy or the deadline passes. Gives up early when
 * stillAlive() says the server process died (no point waiting for a corpse).
 */
export async function waitFor(what, probe, { timeoutMs, intervalMs = 250, stillAlive = () => true, logFile }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const r = await probe();
      if (r) return r;
    } catch (e) {
      lastError = e;
    }
    // Look twice before calling it dead: a soak's database restart once failed here with the
    // process found alive right after (a /proc read can miss a live process for a moment, e.g. its
    // command line is empty while it execs).
    if (!stillAlive() && (await sleep(intervalMs), !stillAlive())) {
      throw new Error(`${what}: the process exited during start-up${logTail(logFile)}`);
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `${what}: not healthy after ${timeoutMs / 1000}s${lastError ? ` (last error: ${lastError.message})` : ''}${logTail(logFile)}`,
  );
}

export function logTail(logFile, lines = 30) {
  if (!logFile) return '';
  try {
    const text = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    return `\n--- last lines of ${logFile} ---\n${text}`;
  } catch {
    return '';
  }
}

// ---- a cross-process lock so two concurrent `up`/`start` calls never start two servers ----

let lockDepth = 0; // re-entrant within one process: up() calls startServer()

export async function withLock(lockFile, fn, timeoutMs = 10 * 60_000) {
  if (lockDepth > 0) return fn();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const holder = readPid(lockFile);
      if (!holder || !isOurProcess(holder, '')) {
        fs.rmSync(lockFile, { force: true }); // stale lock left by a crashed run
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockFile} held by pid ${holder}`);
      await sleep(250);
    }
  }
  lockDepth++;
  try {
    return await fn();
  } finally {
    lockDepth--;
    fs.rmSync(lockFile, { force: true });
  }
}
