#!/usr/bin/env node
// Every workspace declares exactly what it imports. knip checks packages from the registry; it
// deliberately lets private sibling workspaces go undeclared, so the @aftersales/* imports are
// checked here: imported but not declared, or declared but never imported, fails.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const scope = '@aftersales/';
const importPattern = /(?:from\s+|import\s*\(\s*|import\s+)['"](@aftersales\/[a-z0-9-]+)(?:\/[^'"]*)?['"]/g;

/** TypeScript and JavaScript files of a folder, without node_modules and nested workspaces. */
function sourceFiles(dir, skip) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.') || skip.has(full)) continue;
      out.push(...sourceFiles(full, skip));
    } else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry.name)) out.push(full);
  }
  return out;
}

const workspaces = rootPackage.workspaces.map((w) => path.join(root, w));
const problems = [];
for (const dir of [root, ...workspaces]) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const declared = new Set(Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((n) => n.startsWith(scope)));
  const skip = new Set(dir === root ? workspaces : []);
  const imported = new Map();
  for (const file of sourceFiles(dir, skip)) {
    for (const [, name] of fs.readFileSync(file, 'utf8').matchAll(importPattern)) {
      if (name !== manifest.name && !imported.has(name)) imported.set(name, path.relative(root, file));
    }
  }
  const where = path.relative(root, path.join(dir, 'package.json'));
  for (const [name, file] of imported) if (!declared.has(name)) problems.push(`${where}: ${name} is imported (${file}) but not declared`);
  for (const name of declared) if (!imported.has(name)) problems.push(`${where}: ${name} is declared but never imported`);
}

const knip = spawnSync('npx', ['knip', '--dependencies', '--no-progress'], { cwd: root, stdio: 'inherit' });
for (const problem of problems) console.error(problem);
if (problems.length === 0) console.log(`workspace imports: every ${scope}* import is declared, and every declaration used`);
process.exit(knip.status !== 0 || problems.length > 0 ? 1 : 0);
