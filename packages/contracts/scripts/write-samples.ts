/**
 * Writes a sample of every event type@version that has none yet: `<key>.full.json` with every
 * optional field and `<key>.required.json` with the required ones only, built from the schema's
 * JSON Schema and checked against the contract. Samples once written are never rewritten: they
 * are what producers already sent, and samples.unit.test.ts holds today's schemas to them.
 *   npm run -s contracts:samples
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { eventContracts, validateEvent, type EventKey } from '../src/registry';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
};

const samplesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples');
const instant = '2026-11-30T08:30:00.000Z';

/** A plausible value for a schema: named after its field, so samples read like real events. */
function sample(schema: JsonSchema, name: string, full: boolean): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sample(schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0]!, name, full);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        if (full || schema.required?.includes(key)) out[key] = sample(child, key, full);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(schema.minItems ?? 0, full ? 1 : 0) }, () => sample(schema.items ?? {}, name, full));
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 0, (schema.exclusiveMinimum ?? 0) + 1);
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'date-time') return instant;
      if (schema.format === 'email') return 'li.wei@example.com';
      if (schema.format === 'date') return instant.slice(0, 10);
      if (name === 'currency') return 'CNY';
      return `${name}-1`.padEnd(schema.minLength ?? 1, 'x').slice(0, schema.maxLength ?? Infinity);
    default:
      return `${name}-1`;
  }
}

function envelope(key: EventKey, data: unknown) {
  const [type, version] = key.split('@') as [string, string];
  return { id: `sample-${key}`, type, version: Number(version), source: 'samples', occurredAt: instant, subject: 'SR-SAMPLE-1', correlationId: 'SR-SAMPLE-1', causationId: null, data };
}

fs.mkdirSync(samplesDir, { recursive: true });
let written = 0;
const failed: string[] = [];
for (const key of Object.keys(eventContracts) as EventKey[]) {
  const jsonSchema = z.toJSONSchema(eventContracts[key].schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  for (const shape of ['full', 'required'] as const) {
    const file = path.join(samplesDir, `${key}.${shape}.json`);
    if (fs.existsSync(file)) continue;
    const event = envelope(key, sample(jsonSchema, 'data', shape === 'full'));
    const checked = validateEvent(event);
    if (!checked.ok) {
      failed.push(`${key}.${shape}: ${checked.reason} (write it by hand)`);
      continue;
    }
    fs.writeFileSync(file, `${JSON.stringify(event, null, 2)}\n`);
    written++;
  }
}
console.log(`${written} sample(s) written to ${path.relative(process.cwd(), samplesDir)}`);
for (const f of failed) console.error(f);
process.exit(failed.length ? 1 : 0);
