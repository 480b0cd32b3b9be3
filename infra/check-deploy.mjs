#!/usr/bin/env node
// The deployment files `npm test` checks (nothing here can run Docker or a cluster):
//  - every service has services/<name>/Dockerfile, hadolint finds nothing in it, and it keeps the
//    project's rules: multi-stage, base images pinned to an exact version, a numeric non-root
//    USER, a HEALTHCHECK, PROCESS_ROLE set, `node services/<name>/dist/main.js` as its command,
//    and the manifests it copies for `npm ci --omit=dev` are exactly the workspaces the service
//    depends on (so the image's install has every package the bundle imports, and no more);
//  - console/Dockerfile, the web console's image, by the same rules except that it has one process
//    (no PROCESS_ROLE) and `node console/dist/server.js` as its command;
//  - the Helm chart: `helm lint` and `helm template` with each service's values, the rendered
//    manifests valid against Kubernetes' schemas (kubernetes-validate, strict) and holding the
//    project's rules (api and worker Deployments with probes, limits, non-root, their
//    PROCESS_ROLE, an autoscaler and a disruption budget each);
//  - the compose file against the compose specification's JSON schema, an api and a worker per
//    service.
// The tools come from package registries into .stack (infra/lib/tools.mjs); run after `npm ci`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { parseDockerfile } from './lib/dockerfile.mjs';
import { checkJsonschema, composeSchema, hadolint, helm, kubernetesValidate } from './lib/tools.mjs';

/** Kubernetes versions the rendered manifests must be valid for: the oldest supported one we aim at and the newest. */
const kubernetesVersions = ['1.31.0', '1.37.0'];
const chart = path.join('infra', 'deploy', 'helm', 'aftersales-service');

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

/** The images `npm test` checks: each service's (api and worker by PROCESS_ROLE) and the web console's. */
function images(services) {
  return [
    ...services.map((service) => ({ workspace: `services/${service}`, entry: `services/${service}/dist/main.js`, roles: true })),
    { workspace: 'console', entry: 'console/dist/server.js', roles: false },
  ];
}

function checkDockerfile({ workspace, entry, roles }, file, lint) {
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
  const setsRole = all('ENV').some((i) => /\bPROCESS_ROLE=(api|worker|all)\b/.test(i.args));
  if (roles && !setsRole) say('the run stage must set PROCESS_ROLE');
  if (!roles && setsRole) say(`sets PROCESS_ROLE, which ${workspace} does not read`);
  const cmd = all('CMD').at(-1)?.args;
  if (cmd !== `["node", "${entry}"]`) say(`CMD must start the build output with node (found ${cmd ?? 'none'})`);
  const copied = new Set(
    all('COPY')
      .map((i) => /\/src\/(\S+)\/package\.json\s/.exec(i.args)?.[1])
      .filter(Boolean),
  );
  const needed = runtimeWorkspaces(workspace);
  for (const dir of needed) if (!copied.has(dir)) say(`does not copy ${dir}/package.json, which ${workspace} depends on`);
  for (const dir of copied) if (!needed.has(dir)) say(`copies ${dir}/package.json, which ${workspace} does not depend on`);
  const out = spawnSync(lint, ['--no-color', file], { encoding: 'utf8' });
  if (out.status !== 0) say(`hadolint:\n${(out.stdout + out.stderr).trim()}`);
}

function tool(bin, args) {
  const out = spawnSync(bin, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: out.status === 0, output: `${out.stdout}${out.stderr}`.trim(), stdout: out.stdout };
}

function checkRelease(service, helmBin, validate, tmp) {
  const values = path.join('infra', 'deploy', 'values', `${service}.yaml`);
  const say = (problem) => problems.push(`${values}: ${problem}`);
  if (!fs.existsSync(path.join(root, values))) return say('missing: every service has a release');
  const lint = tool(helmBin, ['lint', chart, '-f', values, '--strict']);
  if (!lint.ok) return say(`helm lint:\n${lint.output}`);
  const rendered = tool(helmBin, ['template', service, chart, '-f', values]);
  if (!rendered.ok) return say(`helm template:\n${rendered.output}`);
  const file = path.join(tmp, `${service}.yaml`);
  fs.writeFileSync(file, rendered.stdout);
  for (const version of kubernetesVersions) {
    const valid = tool(validate, ['--strict', '--quiet', '-k', version, file]);
    if (!valid.ok) say(`kubernetes-validate ${version}:\n${valid.output}`);
  }
  const docs = parseAllDocuments(rendered.stdout).map((d) => d.toJS()).filter(Boolean);
  const kinds = (kind) => docs.filter((d) => d.kind === kind);
  for (const role of ['api', 'worker']) {
    const deployment = kinds('Deployment').find((d) => d.metadata.labels['app.kubernetes.io/component'] === role);
    if (!deployment) {
      say(`renders no ${role} Deployment`);
      continue;
    }
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    if (!container.readinessProbe?.httpGet || !container.livenessProbe?.httpGet) say(`${role}: needs HTTP readiness and liveness probes`);
    if (!container.resources?.limits?.memory || !container.resources?.requests?.cpu) say(`${role}: needs resource requests and limits`);
    if (pod.securityContext?.runAsNonRoot !== true) say(`${role}: must run as non-root`);
    if (/:latest$|:$/.test(container.image)) say(`${role}: image ${container.image} has no exact tag`);
    if (container.env?.find((e) => e.name === 'PROCESS_ROLE')?.value !== role) say(`${role}: PROCESS_ROLE must be ${role}`);
    const name = deployment.metadata.name;
    if (!kinds('HorizontalPodAutoscaler').some((h) => h.spec.scaleTargetRef.name === name)) say(`${role}: no HorizontalPodAutoscaler for ${name}`);
    if (!kinds('PodDisruptionBudget').some((b) => b.metadata.name === name)) say(`${role}: no PodDisruptionBudget for ${name}`);
  }
  const config = kinds('ConfigMap')[0]?.data ?? {};
  if (!config[`${service.toUpperCase()}_PORT`]) say(`the ConfigMap does not set ${service.toUpperCase()}_PORT`);
  return docs.length;
}

function checkCompose(services, jsonschema, schema) {
  const file = path.join('infra', 'deploy', 'compose.yaml');
  const valid = tool(jsonschema, ['--schemafile', schema, file]);
  if (!valid.ok) problems.push(`${file}: ${valid.output}`);
  const compose = parseYaml(fs.readFileSync(path.join(root, file), 'utf8'), { merge: true });
  for (const service of services) {
    for (const role of ['api', 'worker']) {
      const entry = compose.services?.[`${service}-${role}`];
      if (!entry) problems.push(`${file}: no ${service}-${role}`);
      else if (entry.environment?.PROCESS_ROLE !== role) problems.push(`${file}: ${service}-${role} must set PROCESS_ROLE ${role}`);
      else if (entry.build?.dockerfile !== `services/${service}/Dockerfile`) problems.push(`${file}: ${service}-${role} must build services/${service}/Dockerfile`);
    }
  }
}

async function main() {
  const services = rootPackage.workspaces.filter((dir) => dir.startsWith('services/')).map((dir) => dir.slice('services/'.length));
  const [lint, helmBin, validate, jsonschema, schema] = [await hadolint(), await helm(), await kubernetesValidate(), await checkJsonschema(), await composeSchema()];
  const checked = images(services);
  for (const image of checked) {
    const file = path.join(root, image.workspace, 'Dockerfile');
    if (!fs.existsSync(file)) problems.push(`${image.workspace} has no Dockerfile`);
    else checkDockerfile(image, file, lint);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-deploy-'));
  let objects = 0;
  for (const service of services) objects += checkRelease(service, helmBin, validate, tmp) ?? 0;
  fs.rmSync(tmp, { recursive: true, force: true });
  checkCompose(services, jsonschema, schema);
  for (const problem of problems) console.error(problem);
  if (problems.length === 0) {
    console.log(`deployment files: ${checked.length} Dockerfiles (${services.length} services and the console) pass hadolint and the image rules; ${services.length} Helm releases lint, render ${objects} objects valid for Kubernetes ${kubernetesVersions.join(' and ')}; compose.yaml matches the compose specification`);
  }
  process.exit(problems.length ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
