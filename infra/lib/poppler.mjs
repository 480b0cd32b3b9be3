// pdftotext from Debian's poppler-utils, for the tests that read back the PDFs the services
// render. Unpacked into .stack/poppler with `apt-get download` + `dpkg-deb -x` (no root, no
// system install) and run through a wrapper that points the loader at the unpacked libraries.
import fs from 'node:fs';
import path from 'node:path';
import { dirs, logFile } from './paths.mjs';
import { requireTool, run, seconds } from './proc.mjs';

const home = path.join(dirs.stack, 'poppler');
const debs = path.join(home, 'debs');
const root = path.join(home, 'root');
const wrapper = path.join(home, 'bin', 'pdftotext');
const stampFile = path.join(home, 'stack-installed.json');

// The C and C++ runtimes must be the system's own; everything else poppler needs comes along.
const fromSystem = new Set(['libc6', 'libgcc-s1', 'libstdc++6', 'gcc-12-base', 'gcc-13-base', 'gcc-14-base']);

function readStamp() {
  try {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    return fs.existsSync(wrapper) ? stamp : null;
  } catch {
    return null;
  }
}

/** poppler-utils and the shared libraries it pulls in (the dependency closure, libraries only). */
async function packageClosure(logPath) {
  const out = await run(
    'apt-cache',
    ['depends', '--recurse', '--no-recommends', '--no-suggests', '--no-conflicts', '--no-breaks', '--no-replaces', '--no-enhances', 'poppler-utils'],
    { logFile: logPath, quiet: true },
  );
  const names = out
    .split('\n')
    .filter((line) => /^[a-z0-9]/.test(line))
    .map((line) => line.trim())
    .filter((name) => name === 'poppler-utils' || (name.startsWith('lib') && !fromSystem.has(name)));
  return [...new Set(names)];
}

async function download(names, logPath, log) {
  try {
    await run('apt-get', ['download', ...names], { cwd: debs, logFile: logPath });
  } catch {
    // A fresh machine may have no package lists yet.
    log('poppler: apt-get download failed; running apt-get update once and retrying');
    await run('apt-get', ['update'], { logFile: logPath });
    await run('apt-get', ['download', ...names], { cwd: debs, logFile: logPath });
  }
}

function libraryDirs() {
  const usrLib = path.join(root, 'usr', 'lib');
  const found = [usrLib];
  if (fs.existsSync(usrLib)) {
    for (const entry of fs.readdirSync(usrLib)) if (entry.endsWith('-linux-gnu')) found.push(path.join(usrLib, entry));
  }
  return found;
}

/** Downloads and unpacks poppler-utils once; later calls return at once. */
async function install(log) {
  if (readStamp()) return false;
  requireTool('apt-get', ['--version'], "pdftotext comes from Debian's poppler-utils");
  requireTool('dpkg-deb', ['--version'], 'unpacks the poppler-utils packages');
  const logPath = logFile('install-poppler');
  const t = Date.now();
  fs.rmSync(home, { recursive: true, force: true });
  fs.mkdirSync(debs, { recursive: true });
  fs.mkdirSync(path.dirname(wrapper), { recursive: true });
  let names = [];
  try {
    names = await packageClosure(logPath);
  } catch {
    await run('apt-get', ['update'], { logFile: logPath });
    names = await packageClosure(logPath);
  }
  log(`poppler: apt-get download ${names.length} packages (log ${logPath})`);
  await download(names, logPath, log);
  for (const deb of fs.readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
    await run('dpkg-deb', ['-x', path.join(debs, deb), root], { logFile: logPath });
  }
  const binary = path.join(root, 'usr', 'bin', 'pdftotext');
  if (!fs.existsSync(binary)) throw new Error(`poppler: ${binary} missing after unpacking (log ${logPath})`);
  const script = `#!/bin/sh\nLD_LIBRARY_PATH="${libraryDirs().join(':')}\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "${binary}" "$@"\n`;
  fs.writeFileSync(wrapper, script, { mode: 0o755 });
  // `pdftotext -v` prints "pdftotext version 22.12.0" on stderr and exits 0; a missing library fails here.
  const version = /version (\S+)/.exec(await run(wrapper, ['-v'], { logFile: logPath }))?.[1] ?? 'unknown';
  fs.writeFileSync(stampFile, JSON.stringify({ version, packages: names }, null, 2));
  log(`poppler: pdftotext ${version} unpacked in ${seconds(t)}`);
  return true;
}

/** What stack.json records: the wrapper tests run, and poppler's version. */
function info() {
  const stamp = readStamp();
  return stamp ? { path: wrapper, version: stamp.version } : null;
}

export const poppler = { install, info };
