import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, auditCase, drawAuditSample, missingAtRegistration, seededRandom, type AuditableCase } from './audit-sample';
import { closedCase, openCase } from './case-fixtures';

const now = '2026-12-04T00:00:00.000Z';
/** A request whose every step happened, in order, with a complete registration and a survey. */
const complete = (over: Partial<AuditableCase> = {}): AuditableCase => ({
  ...closedCase({ survey: { score: 5, at: '2026-11-03T10:00:00.000Z' } }),
  hasContact: true,
  symptom: 'spindle vibrates',
  ownerId: 'U-7',
  ...over,
});

describe('seededRandom', () => {
  it('the same seed gives the same numbers, all in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(first);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
    expect(seededRandom(43)()).not.toBe(first[0]);
  });
});

describe('allocate', () => {
  it('one per stratum, then proportional: each further draw to the stratum furthest below its share', () => {
    // 10 of 100: shares 5, 3, 1.5, 0.5. One each, then the 6 left go where the shortfall is largest: 5, 3, 1, 1.
    expect(allocate([50, 30, 15, 5], 10)).toEqual([5, 3, 1, 1]);
    // 4 of 10: shares 2.4, 1.2, 0.4. One each, then the first (1.4 short): 2, 1, 1.
    expect(allocate([6, 3, 1], 4)).toEqual([2, 1, 1]);
    // 5 of 12: shares 2.5, 2.5, 0. One each of the two, then alternately, the first on a tie: 3, 2.
    expect(allocate([6, 6, 0], 5)).toEqual([3, 2, 0]);
    // More strata than asked for: one each, more than asked.
    expect(allocate([2, 2, 2, 2, 2], 3)).toEqual([1, 1, 1, 1, 1]);
    // More asked than there is: everything.
    expect(allocate([4, 1], 20)).toEqual([4, 1]);
  });

  it('never draws more than a stratum holds, sees every stratum, and draws exactly the size when it can', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { maxLength: 12 }), fc.nat({ max: 200 }), (sizes, size) => {
        const counts = allocate(sizes, size);
        const nonEmpty = sizes.filter((n) => n > 0).length;
        const total = sizes.reduce((a, b) => a + b, 0);
        counts.forEach((k, i) => {
          expect(k).toBeLessThanOrEqual(sizes[i]!);
          if (sizes[i]! > 0) expect(k).toBeGreaterThanOrEqual(1);
        });
        const drawn = counts.reduce((a, b) => a + b, 0);
        if (size >= nonEmpty) expect(drawn).toBe(Math.min(size, total));
        else expect(drawn).toBe(nonEmpty);
      }),
    );
  });
});

describe('drawAuditSample', () => {
  const period = { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', now };
  // 40 phone P2, 10 portal P2, 6 alarm P1, and 5 registered in October.
  const population: AuditableCase[] = [
    ...Array.from({ length: 40 }, (_, i) => complete({ requestId: `PH-${i}` })),
    ...Array.from({ length: 10 }, (_, i) => complete({ requestId: `PO-${i}`, channel: 'portal' })),
    ...Array.from({ length: 6 }, (_, i) => complete({ requestId: `AL-${i}`, channel: 'alarm', tier: 'P1' })),
    ...Array.from({ length: 5 }, (_, i) => complete({ requestId: `OCT-${i}`, registeredAt: '2026-10-15T08:00:00.000Z' })),
  ];

  it('stratifies by tier and channel over the requests registered in the period', () => {
    const sample = drawAuditSample(population, { ...period, size: 8 }, seededRandom(7));
    // 8 of 56: shares alarm 0.86, phone 5.71, portal 1.43. One each (the alarms already above their share), then the 5 left
    // all go to phone, always furthest below its share (4.71, 3.71, 2.71, 1.71, then 0.71 against portal's 0.43): 1, 6, 1.
    expect(sample.population).toBe(56);
    expect(sample.strata).toEqual([
      { tier: 'P1', channel: 'alarm', population: 6, sampled: 1 },
      { tier: 'P2', channel: 'phone', population: 40, sampled: 6 },
      { tier: 'P2', channel: 'portal', population: 10, sampled: 1 },
    ]);
    const ids = sample.cases.map((c) => c.requestId);
    expect(new Set(ids).size).toBe(8);
    expect(ids.filter((id) => id.startsWith('AL-'))).toHaveLength(1);
    expect(ids.some((id) => id.startsWith('OCT-'))).toBe(false);
  });

  it('is reproducible: the same seed draws the same sample, whatever order the cases come in', () => {
    const draw = (cases: AuditableCase[], seed: number) => drawAuditSample(cases, { ...period, size: 8 }, seededRandom(seed)).cases.map((c) => c.requestId);
    const first = draw(population, 7);
    expect(draw([...population].reverse(), 7)).toEqual(first);
    expect(draw(population, 8)).not.toEqual(first);
  });

  it('same seed, same sample, for any population', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: 500 }), { maxLength: 60 }), fc.integer(), fc.nat({ max: 30 }), (ns, seed, size) => {
        const cases = ns.map((n) => complete({ requestId: `SR-${n}`, channel: n % 3 === 0 ? 'email' : 'phone', tier: n % 2 === 0 ? 'P3' : 'P2' }));
        const once = drawAuditSample(cases, { ...period, size }, seededRandom(seed));
        const again = drawAuditSample([...cases].reverse(), { ...period, size }, seededRandom(seed));
        expect(again).toEqual(once);
        expect(once.cases.length).toBe(once.strata.reduce((s, x) => s + x.sampled, 0));
      }),
    );
  });

  it('refuses a size that is not a whole number', () => {
    expect(() => drawAuditSample(population, { ...period, size: 2.5 }, seededRandom(1))).toThrow(RangeError);
  });
});

describe('auditCase', () => {
  it('proves a request registered, answered, dispatched, resolved, accepted, closed and followed up', () => {
    const audit = auditCase(complete(), now);
    expect(audit).toMatchObject({ requestId: 'SR-1', stratum: { tier: 'P2', channel: 'phone' }, gaps: [], proved: true, inProgress: false, missingAtRegistration: [] });
    expect(audit.steps.map((s) => [s.step, s.status])).toEqual([
      ['registered', 'done'],
      ['answered', 'done'],
      ['dispatched', 'done'],
      ['resolved', 'done'],
      ['accepted', 'done'],
      ['closed', 'done'],
      ['followed-up', 'done'],
      ['cancelled', 'not-applicable'],
    ]);
  });

  it('lists each gap', () => {
    const gaps = (c: AuditableCase, at = now) => auditCase(c, at).gaps.map((g) => g.code);
    // Registered 2 Nov, needed by 3 Nov, never answered, asked on 4 Dec.
    expect(gaps(openCase())).toEqual(['never-answered', 'open-past-needed-by']);
    expect(gaps(openCase({ screenedAt: '2026-11-02T08:30:00.000Z', screening: 'valid', tier: 'P2' }))).toEqual(['valid-never-dispatched', 'open-past-needed-by']);
    expect(gaps(complete({ acceptedAt: null }))).toEqual(['closed-without-acceptance']);
    expect(gaps(complete({ resolvedAt: null }))).toEqual(['closed-without-resolution']);
    // Closed 2 Nov, no survey by 4 Dec; but not yet a gap on 5 Nov (3 days after the close).
    expect(gaps(complete({ survey: null }))).toEqual(['never-followed-up']);
    expect(gaps(complete({ survey: null }), '2026-11-05T00:00:00.000Z')).toEqual([]);
    expect(gaps(openCase({ screenedAt: '2026-11-02T08:30:00.000Z', screening: 'valid', cancelledAt: '2026-11-02T09:00:00.000Z' }))).toEqual(['cancelled-without-reason']);
    expect(gaps({ ...openCase({ screenedAt: '2026-11-02T08:30:00.000Z', screening: 'valid', cancelledAt: '2026-11-02T09:00:00.000Z' }), cancellationReason: 'customer fixed it' })).toEqual([]);
    expect(gaps(complete({ firstAssignedAt: '2026-11-02T08:00:00.000Z', screenedAt: '2026-11-02T08:30:00.000Z' }))).toEqual(['steps-out-of-order']);
  });

  it('an invalid request ends at its answer; an open one before its needed-by is in progress, not proved', () => {
    const invalid = auditCase(openCase({ screenedAt: '2026-11-02T08:30:00.000Z', screening: 'invalid' }), now);
    expect(invalid).toMatchObject({ gaps: [], proved: true });
    expect(invalid.steps.find((s) => s.step === 'dispatched')!.status).toBe('not-applicable');
    const running = auditCase(openCase({ screenedAt: '2026-11-02T08:30:00.000Z', screening: 'valid', firstAssignedAt: '2026-11-02T09:00:00.000Z' }), '2026-11-02T10:00:00.000Z');
    expect(running).toMatchObject({ gaps: [], proved: false, inProgress: true });
    expect(running.steps.find((s) => s.step === 'resolved')!.status).toBe('not-yet-due');
  });
});

describe('missingAtRegistration', () => {
  it('names the missing fields, the later ones only once they are due', () => {
    // The plain case record carries no contact, symptom or owner facts: they count as missing.
    expect(missingAtRegistration(closedCase({ engineerId: null, acceptedAt: null }))).toEqual(['contact', 'symptom', 'owner', 'acceptedAt']);
    // Screened invalid: no dispatch and no owner are due.
    expect(missingAtRegistration(complete({ screening: 'invalid', engineerId: null, ownerId: null, firstAssignedAt: null, closedAt: null }))).toEqual([]);
    // Valid and never dispatched; not closed, so solved and accepted are not due yet.
    expect(missingAtRegistration(complete({ firstAssignedAt: null, closedAt: null, resolvedAt: null, acceptedAt: null, symptom: '  ' }))).toEqual(['symptom', 'dispatchedAt']);
  });
});
