#!/usr/bin/env node
// The build: each service becomes plain JavaScript that `node` starts, with no TypeScript at run time.
//
//   node infra/build.mjs [service | console ...]   (npm run build; every service and the console when none is named)
//
// services/<name>/dist/main.js   the service, its @aftersales/* workspaces bundled in, every
//                                registry package left as an import (installed by `npm ci --omit=dev`)
// services/<name>/dist/workflow-bundles/<taskQueue>.js
//                                the Temporal SDK's own workflow bundle per task queue, so a worker
//                                starts without bundling sources; main.js points WORKFLOW_BUNDLE_DIR here
//
// console/dist/server.js         the web console's process (console/server/main.ts), bundled the same way;
// console/web/dist/              the single-page app, Vite's build of console/web (npm run console:build);
//                                server.js serves it from ../web/dist, relative to its own file
//
// Why esbuild and not `tsc --build`: the sources import without file extensions (moduleResolution
// "Bundler"), which tsc emits unchanged and Node's ESM loader refuses; a bundler resolves them, and
// one file per service is also what an image copies. Type-checking stays with `tsc --noEmit`.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleWorkflowCode } from '@temporalio/worker';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Which workflow bundles each service's worker runs (task queue -> entry). A worker whose bundle is missing stops at start naming the file; tests/service-image.e2e.test.ts runs intake's. */
export const workflowBundles = {
  intake: { 'service-requests': 'workflows/src/workflows.ts' },
  dispatch: {},
  spares: { 'spares-requisitions': 'workflows/src/spares-workflows.ts' },
  quality: { 'quality-eight-ds': 'workflows/src/quality-workflows.ts' },
  notifications: { 'notifications-acknowledgements': 'workflows/src/notifications-workflows.ts' },
  insight: {},
};

/** Registry packages stay imports; only the project's own workspaces are bundled. */
const registryPackagesExternal = {
  name: 'registry-packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@aftersales/') ? undefined : { path: args.path, external: true }));
  },
};

/** How a Node process is bundled, a service or the console's server: ESM for node 20, registry packages left as imports. */
const serverBundle = { bundle: true, format: 'esm', platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', plugins: [registryPackagesExternal] };

export async function buildService(name, { log = console.log } = {}) {
  const t = Date.now();
  const dir = path.join(root, 'services', name);
  const out = path.join(dir, 'dist');
  fs.rmSync(out, { recursive: true, force: true });
  await build({
    ...serverBundle,
    entryPoints: [path.join(dir, 'main.ts')],
    outdir: out,
    // a chunk per dynamic import: the worker side (and the SDK's native bridge) loads only in a worker
    splitting: true,
    banner: {
      js: "process.env.WORKFLOW_BUNDLE_DIR ??= new URL('./workflow-bundles/', import.meta.url).pathname;",
    },
  });
  const bundles = workflowBundles[name];
  if (!bundles) throw new Error(`unknown service '${name}'; expected one of ${Object.keys(workflowBundles).join(', ')}`);
  for (const [taskQueue, entry] of Object.entries(bundles)) {
    const { code } = await bundleWorkflowCode({ workflowsPath: path.join(root, entry), workflowInterceptorModules: [path.join(root, 'workflows/src/trace-context.ts')], logger: quietLogger });
    fs.mkdirSync(path.join(out, 'workflow-bundles'), { recursive: true });
    fs.writeFileSync(path.join(out, 'workflow-bundles', `${taskQueue}.js`), code);
  }
  const kib = Math.round(fs.statSync(path.join(out, 'main.js')).size / 1024);
  log(`build: ${name} -> ${path.relative(root, out)}/main.js (${kib} KiB)${Object.keys(bundles).length ? `, workflow bundles ${Object.keys(bundles).join(', ')}` : ''} in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  return out;
}

/** The web console: its server bundled like a service's (no workflows, no code splitting), then Vite's build of the app it serves. */
export async function buildConsole({ log = console.log } = {}) {
  const t = Date.now();
  const out = path.join(root, 'console', 'dist');
  fs.rmSync(out, { recursive: true, force: true });
  await build({ ...serverBundle, entryPoints: { server: path.join(root, 'console', 'server', 'main.ts') }, outdir: out });
  // the workspace's own script, so the app is built exactly as `npm run console:build` builds it
  const vite = spawnSync('npm', ['run', '-s', '-w', 'console', 'build'], { cwd: root, encoding: 'utf8' });
  if (vite.status !== 0) throw new Error(`vite build of console/web failed:\n${vite.stdout}${vite.stderr}`);
  const kib = Math.round(fs.statSync(path.join(out, 'server.js')).size / 1024);
  const web = fs.readdirSync(path.join(root, 'console', 'web', 'dist'), { recursive: true }).length;
  log(`build: console -> console/dist/server.js (${kib} KiB) and console/web/dist (${web} entries) in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  return out;
}

const quietLogger = { trace() {}, debug() {}, info() {}, warn: (m) => console.warn(m), error: (m) => console.error(m), log() {} };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  for (const name of names.length ? names : [...Object.keys(workflowBundles), 'console']) {
    if (name === 'console') await buildConsole();
    else await buildService(name);
  }
}
