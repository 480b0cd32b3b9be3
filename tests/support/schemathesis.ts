import { spawn } from 'node:child_process';
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
}

/** Runs Schemathesis against one service with every check on and the project's config; never throws on findings. */
export async function fuzzService(options: FuzzOptions): Promise<FuzzRun> {
  const st = await schemathesis(() => {});
  const args = [
    '--config-file', `${repoRoot}tests/contract/schemathesis.toml`,
    'run', `${options.url}/openapi.json`,
    '--header', `Authorization: Bearer ${options.token}`,
    '--checks', 'all',
    '--max-examples', String(options.maxExamples),
    '--seed', String(options.seed),
    '--workers', String(options.workers ?? 1),
    '--no-color',
    ...(options.phases ? ['--phases', options.phases.join(',')] : []),
  ];
  const started = Date.now();
  const child = spawn(st, args, { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', COLUMNS: '160' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { service: options.service, ...summaryOf(output), seconds: (Date.now() - started) / 1000, exitCode, output };
}

/** Reads the figures from Schemathesis's closing summary ("2407 generated, 35 found 35 unique failures", "Runtime Error: 1"). */
export function summaryOf(output: string): { generated: number; failures: number; errors: number } {
  const generated = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
  const failures = Number(/found (\d+) unique failures?/.exec(output)?.[1] ?? 0);
  const errorsBlock = /\nErrors:\n([\s\S]*?)\n\n/.exec(output)?.[1] ?? '';
  const errors = [...errorsBlock.matchAll(/: (\d+)\s*$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  return { generated, failures, errors };
}
