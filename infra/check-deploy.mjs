#!/usr/bin/env node
// The deployment files `npm test` checks (nothing here can run Docker or a cluster):
//  - every service has services/<name>/Dockerfile, hadolint finds nothing in it, and it keeps the
//    project's rules: multi-stage, base images pinned to an exact version, a numeric non-root
//    USER, a HEALTHCHECK, PROCESS_ROLE set, `node services/<name>/dist/main.js` as its command,
//    and the manifests it copies for `npm ci --omit=dev` are exactly the workspaces the service
//    depends on (so the image's install has every package the bundle imports, and no more).
// Node built-ins only, plus the tools infra/lib/tools.mjs installs into .stack.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDockerfile } from './lib/dockerfile.mjs';
import { hadolint } from './lib/tools.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const problems = [];

/** Workspace folder by package name. */
const workspaces = new Map(
  rootPackage.workspaces.map((dir) => [JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')).name, dir]),
);

/** The workspace folders a workspace needs at run time: itself and its @aftersales/* dependencies, transitively. */
function runtimeWorkspaces(dir, seen = new Set()) {
  if (seen.has(dir)) return seen;
  seen.add(dir);
  const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    if (workspaces.has(name)) runtimeWorkspaces(workspaces.get(name), seen);
  }
  return seen;
}

function checkDockerfile(service, file, lint) {
  const where = path.relative(root, file);
  const stages = parseDockerfile(fs.readFileSync(file, 'utf8'));
  const say = (problem) => problems.push(`${where}: ${problem}`);
  if (stages.length < 2) say('must be multi-stage (a build stage and a slim run stage)');
  for (const stage of stages) {
    const image = stage[0].args.split(/\s+/)[0];
    if (!/:\d+\.\d+\.\d+[^\s]*$/.test(image) && !/@sha256:[0-9a-f]{64}$/.test(image)) say(`base image ${image} is not pinned to an exact version`);
  }
  const run = stages.at(-1) ?? [];
  const all = (keyword) => run.filter((i) => i.keyword === keyword);
  const user = all('USER').at(-1)?.args;
  if (!user || !/^[1-9]\d*(:\d+)?$/.test(user)) say(`the run stage must end as a numeric non-root USER (found ${user ?? 'none'})`);
  if (all('HEALTHCHECK').length !== 1) say('the run stage needs one HEALTHCHECK');
  if (!all('ENV').some((i) => /\bPROCESS_ROLE=(api|worker|all)\b/.test(i.args))) say('the run stage must set PROCESS_ROLE');
  const cmd = all('CMD').at(-1)?.args;
  if (cmd !== `["node", "services/${service}/dist/main.js"]`) say(`CMD must start the build output with node (found ${cmd ?? 'none'})`);
  const copied = new Set(
    all('COPY')
      .map((i) => /\/src\/(\S+)\/package\.json\s/.exec(i.args)?.[1])
      .filter(Boolean),
  );
  const needed = runtimeWorkspaces(`services/${service}`);
  for (const dir of needed) if (!copied.has(dir)) say(`does not copy ${dir}/package.json, which services/${service} depends on`);
  for (const dir of copied) if (!needed.has(dir)) say(`copies ${dir}/package.json, which services/${service} does not depend on`);
  const out = spawnSync(lint, ['--no-color', file], { encoding: 'utf8' });
  if (out.status !== 0) say(`hadolint:\n${(out.stdout + out.stderr).trim()}`);
}

async function main() {
  const lint = await hadolint();
  const services = rootPackage.workspaces.filter((dir) => dir.startsWith('services/')).map((dir) => dir.slice('services/'.length));
  for (const service of services) {
    const file = path.join(root, 'services', service, 'Dockerfile');
    if (!fs.existsSync(file)) problems.push(`services/${service} has no Dockerfile`);
    else checkDockerfile(service, file, lint);
  }
  for (const problem of problems) console.error(problem);
  if (problems.length === 0) console.log(`deployment files: ${services.length} Dockerfiles pass hadolint and the image rules`);
  process.exit(problems.length ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
