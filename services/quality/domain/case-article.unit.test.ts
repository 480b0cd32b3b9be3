import { describe, expect, it } from 'vitest';
import { articleFromCase, isRefusal } from './case-article';

const record = { model: 'FL-3015', cause: 'Nozzle cracked under thermal stress', fix: 'Nozzle replaced', partNumber: 'NZ-15', failureMode: 'FM-NOZZLE-CRACK' };

describe('articleFromCase', () => {
  it('takes symptom, model, cause, fix and part from the case as recorded', () => {
    expect(articleFromCase(record, { symptom: 'Burr on the cut edge' })).toEqual({
      title: 'FL-3015: FM-NOZZLE-CRACK — Nozzle replaced',
      models: ['FL-3015'],
      symptom: 'Burr on the cut edge',
      cause: 'Nozzle cracked under thermal stress',
      fix: 'Nozzle replaced',
      parts: ['NZ-15'],
    });
  });

  it('keeps a given title, and falls back to the cause when the symptom was never known', () => {
    const article = articleFromCase({ ...record, model: null, partNumber: null }, null, 'Cracked nozzles');
    expect(article).toMatchObject({ title: 'Cracked nozzles', models: [], symptom: record.cause, parts: [] });
  });

  it('refuses a request quality has no record of, or one without a fix, naming requestId', () => {
    const missing = articleFromCase(null, null);
    expect(isRefusal(missing) && missing.field).toBe('requestId');
    const unfixed = articleFromCase({ ...record, fix: ' ' }, null);
    expect(isRefusal(unfixed) && unfixed.message).toMatch(/no fix/);
  });
});
