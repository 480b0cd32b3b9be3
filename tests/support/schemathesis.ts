import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { schemathesis } from '../../infra/lib/tools.mjs';
import { repoRoot } from './stack';

export interface FuzzRun {
  service: string;
  /** Test cases Schemathesis generated and sent. */
  generated: number;
  /** Unique failures: a 5xx, a response breaking its schema, an undocumented status, a wrong accept or refusal. */
  failures: number;
  /** Operations Schemathesis itself could not run (its own errors, not the service's). */
  errors: number;
  seconds: number;
  exitCode: number | null;
  /** The report as Schemathesis printed it, for the test's failure message. */
  output: string;
  /** How far the stateful phase got by following the document's links; null when it did not run. */
  stateful: StatefulReach | null;
}

export interface StatefulReach {
  /** Scenarios (chains of linked calls) it ran. */
  scenarios: number;
  /** Links it followed at least once, of those it could follow (selected) and all in the document. */
  linksCovered: number;
  linksSelected: number;
  linksTotal: number;
  /** Operations that answered 2xx inside a scenario, and of those, reached by following a link. */
  operationsAnswered: string[];
  operationsReachedByLink: string[];
}

export interface FuzzOptions {
  service: string;
  /** The service's base URL; its document is <url>/openapi.json. */
  url: string;
  token: string;
  maxExamples: number;
  seed: number;
  workers?: number;
  /** Schemathesis phases (examples, coverage, fuzzing, stateful); all when absent. */
  phases?: string[];
  /** Calls per stateful scenario (Schemathesis's default is 6): more reach deeper states. */
  statefulSteps?: number;
  /**
   * The stateful phase follows only the links the document declares, none Schemathesis infers
   * from names (most inferred ones fill an id from an unrelated field and end in a 404).
   */
  declaredLinksOnly?: boolean;
}

/** Runs Schemathesis against one service with every check on and the project's config; never throws on findings. */
export async function fuzzService(options: FuzzOptions): Promise<FuzzRun> {
  const st = await schemathesis(() => {});
  const scratch = mkdtempSync(path.join(tmpdir(), 'fuzz-'));
  const events = path.join(scratch, 'events.ndjson');
  const baseConfig = readFileSync(`${repoRoot}tests/contract/schemathesis.toml`, 'utf8');
  const config = path.join(scratch, 'schemathesis.toml');
  const stateful = [
    ...(options.statefulSteps ? [`max-steps = ${options.statefulSteps}`] : []),
    ...(options.declaredLinksOnly ? ['inference.algorithms = []'] : []),
  ];
  writeFileSync(config, stateful.length ? `${baseConfig}\n[phases.stateful]\n${stateful.join('\n')}\n` : baseConfig);
  const args = [
    '--config-file', config,
    'run', `${options.url}/openapi.json`,
    '--header', `Authorization: Bearer ${options.token}`,
    '--checks', 'all',
    '--max-examples', String(options.maxExamples),
    '--seed', String(options.seed),
    '--workers', String(options.workers ?? 1),
    '--no-color',
    '--report', 'ndjson', '--report-ndjson-path', events,
    ...(options.phases ? ['--phases', options.phases.join(',')] : []),
  ];
  const started = Date.now();
  const child = spawn(st, args, { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', COLUMNS: '160' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = (Date.now() - started) / 1000;
  let reach: StatefulReach | null = null;
  try {
    // FUZZ_KEEP_EVENTS=dir keeps Schemathesis's events (NDJSON) per service, to read what a run did.
    if (process.env.FUZZ_KEEP_EVENTS) copyFileSync(events, path.join(process.env.FUZZ_KEEP_EVENTS, `${options.service}.ndjson`));
    reach = statefulReachOf(output, readFileSync(events, 'utf8'));
  } catch {
    reach = statefulReachOf(output, '');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { service: options.service, ...summaryOf(output), seconds, exitCode, output, stateful: reach };
}

/** Reads the figures from Schemathesis's closing summary ("2407 generated, 35 found 35 unique failures", "Runtime Error: 1"). */
export function summaryOf(output: string): { generated: number; failures: number; errors: number } {
  const generated = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
  const failures = Number(/found (\d+) unique failures?/.exec(output)?.[1] ?? 0);
  const errorsBlock = /\nErrors:\n([\s\S]*?)\n\n/.exec(output)?.[1] ?? '';
  const errors = [...errorsBlock.matchAll(/: (\d+)\s*$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  return { generated, failures, errors };
}

type RecordedCase = { value?: { method?: string; path?: string }; transition?: { id?: string } | null; is_transition_applied?: boolean };
type RecordedInteraction = { response?: { status_code?: number } | null };

/**
 * The stateful phase's reach: its closing figures ("Scenarios: 12", "API Links: 9 covered / 40
 * selected / 68 total") and, from its NDJSON events, the operations that answered 2xx inside a
 * scenario (those reached through a link apart). Null when the phase did not run.
 */
export function statefulReachOf(output: string, ndjson: string): StatefulReach | null {
  const links = /API Links:\s+(\d+) covered \/ (\d+) selected \/ (\d+) total/.exec(output);
  if (!links) return null;
  const answered = new Set<string>();
  const byLink = new Set<string>();
  for (const line of ndjson.split('\n')) {
    if (!line.startsWith('{"ScenarioFinished"')) continue;
    const finished = (JSON.parse(line) as { ScenarioFinished: { phase?: string; recorder: { cases?: Record<string, RecordedCase>; interactions?: Record<string, RecordedInteraction> } } }).ScenarioFinished;
    if (!String(finished.phase).startsWith('stateful')) continue;
    const recorder = finished.recorder;
    for (const [id, recorded] of Object.entries(recorder.cases ?? {})) {
      const status = recorder.interactions?.[id]?.response?.status_code ?? 0;
      const label = recorded.value?.method && recorded.value.path ? `${recorded.value.method.toUpperCase()} ${recorded.value.path}` : undefined;
      if (!label || status < 200 || status > 299) continue;
      answered.add(label);
      if (recorded.transition && recorded.is_transition_applied) byLink.add(label);
    }
  }
  return {
    scenarios: Number(/Scenarios:\s+(\d+)/.exec(output)?.[1] ?? 0),
    linksCovered: Number(links[1]),
    linksSelected: Number(links[2]),
    linksTotal: Number(links[3]),
    operationsAnswered: [...answered].sort(),
    operationsReachedByLink: [...byLink].sort(),
  };
}
