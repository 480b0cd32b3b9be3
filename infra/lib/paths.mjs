// Where the local stack lives (all under <repo>/.stack, which is gitignored) and which
// ports it uses (overridable by environment variables).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const STACK = path.join(ROOT, '.stack');

export const dirs = {
  stack: STACK,
  run: path.join(STACK, 'run'),
  logs: path.join(STACK, 'logs'),
  data: path.join(STACK, 'data'),
  bin: path.join(STACK, 'bin'),
  py: path.join(STACK, 'py'),
  kafka: path.join(STACK, 'kafka'),
  ferretdbBuild: path.join(STACK, 'ferretdb-build'),
};

export const HOST = '127.0.0.1';

function portFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  return port;
}

/** Read on every call so tests can change the environment between calls. */
export function ports() {
  return {
    temporal: portFromEnv('STACK_TEMPORAL_PORT', 7233),
    temporalUi: portFromEnv('STACK_TEMPORAL_UI_PORT', 8233),
    kafka: portFromEnv('STACK_KAFKA_PORT', 9092),
    kafkaController: portFromEnv('STACK_KAFKA_CONTROLLER_PORT', 9093),
    mongo: portFromEnv('STACK_MONGO_PORT', 27017),
    // FerretDB's HTTP debug/metrics listener (it has /debug/livez, /debug/readyz, /debug/metrics)
    mongoDebug: portFromEnv('STACK_MONGO_DEBUG_PORT', 8088),
    // Mailpit: SMTP in, web UI and REST API out
    smtp: portFromEnv('STACK_SMTP_PORT', 1025),
    mailUi: portFromEnv('STACK_MAIL_UI_PORT', 8025),
  };
}

export const logFile = (name) => path.join(dirs.logs, `${name}.log`);
export const pidFile = (name) => path.join(dirs.run, `${name}.pid`);
export const rel = (p) => path.relative(ROOT, p) || '.';
