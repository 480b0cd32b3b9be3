/**
 * Events stay compatible: a sample of every type@version ever published is committed (as sent,
 * once with every optional field and once with the required ones only), and today's contracts
 * must still accept each. Every consumer admits an event through validateEvent before its
 * handler runs, so a schema change that refuses an old sample would break a consumer that was not
 * redeployed: such a change is a new version. New keys get their samples from
 * `npm run -s contracts:samples`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventContracts, validateEvent } from './registry';

const samplesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples');
const files = fs.readdirSync(samplesDir).filter((f) => f.endsWith('.json')).sort();

describe('committed event samples', () => {
  it('every type@version the registry knows has its samples', () => {
    const missing = Object.keys(eventContracts).flatMap((key) => ['full', 'required'].map((shape) => `${key}.${shape}.json`)).filter((f) => !files.includes(f));
    expect(missing, 'run npm run -s contracts:samples and commit what it writes').toEqual([]);
  });

  it.each(files)('%s is still read by today\u2019s contract', (file) => {
    const sample = JSON.parse(fs.readFileSync(path.join(samplesDir, file), 'utf8')) as { type: string; version: number };
    expect(file.startsWith(`${sample.type}@${sample.version}.`), 'the file is named by its type@version').toBe(true);
    const read = validateEvent(sample);
    expect(read.ok ? 'accepted' : read.reason).toBe('accepted');
  });
});
