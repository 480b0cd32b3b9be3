import { execSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { envOf, parseDockerfile, runCommand, type Instruction } from '../../infra/lib/dockerfile.mjs';
import { repoRoot } from './stack';

/**
 * An image without Docker (a service's, or the console's with its Dockerfile named): runs the build (as the Dockerfile's build stage does), then
 * makes a clean folder of exactly what the run stage copies from that build, and runs the run
 * stage's RUN commands in it (`npm ci --omit=dev`). What starts from it starts as the image would.
 */
export interface StagedImage {
  dir: string;
  /** The run stage's ENV, CMD and HEALTHCHECK command. */
  env: Record<string, string>;
  cmd: string[];
  healthcheck: string[];
  remove(): void;
}

/** `name` is what the build stage passes to infra/build.mjs; `dockerfile` is relative to the repository. */
export function stageImage(name: string, dockerfile = path.join('services', name, 'Dockerfile')): StagedImage {
  const stages = parseDockerfile(readFileSync(path.join(repoRoot, dockerfile), 'utf8'));
  const runStage = stages.at(-1) ?? [];
  const build = spawnSync(process.execPath, ['infra/build.mjs', name], { cwd: repoRoot, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build of ${name} failed: ${build.stderr}`);

  const dir = mkdtempSync(path.join(tmpdir(), `image-${name}-`));
  for (const { args } of of(runStage, 'COPY')) {
    const parts = args.split(/\s+/).filter((p) => !p.startsWith('--'));
    const target = parts.pop()!;
    for (const source of parts) {
      const from = path.join(repoRoot, source.replace(/^\/src\//, ''));
      const to = target.endsWith('/') ? path.join(dir, target, path.basename(from)) : path.join(dir, target);
      mkdirSync(path.dirname(to), { recursive: true });
      cpSync(from, to, { recursive: true });
    }
  }
  for (const { args } of of(runStage, 'RUN')) execSync(runCommand(args), { cwd: dir, stdio: 'pipe' });

  const env = Object.assign({}, ...of(runStage, 'ENV').map((i) => envOf(i.args))) as Record<string, string>;
  const cmd = JSON.parse(of(runStage, 'CMD').at(-1)!.args) as string[];
  const healthcheck = JSON.parse(of(runStage, 'HEALTHCHECK').at(-1)!.args.replace(/^.*?CMD\s+/, '')) as string[];
  return { dir, env, cmd, healthcheck, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function of(stage: Instruction[], keyword: string): Instruction[] {
  return stage.filter((i) => i.keyword === keyword);
}

/** Starts the image's command in its folder with the image's ENV under the given overrides. */
export function runImage(image: StagedImage, env: Record<string, string>, log: (chunk: string) => void): ChildProcess {
  const [cmd, ...args] = image.cmd;
  const child = spawn(cmd === 'node' ? process.execPath : cmd!, args, {
    cwd: image.dir,
    // PATH only from the host: nothing of the repository's own environment leaks in
    env: { PATH: process.env.PATH ?? '', ...image.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => log(c.toString()));
  child.stderr?.on('data', (c: Buffer) => log(c.toString()));
  return child;
}

/** Whether a process has mapped a file whose path contains the given text (a native addon, say). */
export function hasMapped(pid: number, text: string): boolean {
  return readFileSync(`/proc/${pid}/maps`, 'utf8').includes(text);
}
