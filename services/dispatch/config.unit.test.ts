import { describe, expect, it } from 'vitest';
import { ConfigError } from '@aftersales/platform';
import { loadDispatchConfig } from './config';

describe('dispatch configuration', () => {
  it('auto-assigns P1 and P2 unless told otherwise', () => {
    expect([...loadDispatchConfig({}).autoAssignTiers]).toEqual(['P1', 'P2']);
    expect([...loadDispatchConfig({ DISPATCH_AUTO_ASSIGN_TIERS: ' P3 ,P4' }).autoAssignTiers]).toEqual(['P3', 'P4']);
    expect(loadDispatchConfig({ DISPATCH_AUTO_ASSIGN_TIERS: '' }).autoAssignTiers.size).toBe(0);
  });

  it('injects no fault unless a crash test names a known point', () => {
    expect(loadDispatchConfig({}).faultKillAfter).toBeNull();
    expect(loadDispatchConfig({ DISPATCH_FAULT_KILL_AFTER: 'booking-insert' }).faultKillAfter).toBe('booking-insert');
    expect(() => loadDispatchConfig({ DISPATCH_FAULT_KILL_AFTER: 'somewhere' })).toThrow(/DISPATCH_FAULT_KILL_AFTER/);
  });

  it('names the variable when a tier is unknown', () => {
    expect(() => loadDispatchConfig({ DISPATCH_AUTO_ASSIGN_TIERS: 'P1,P9' })).toThrow(ConfigError);
    expect(() => loadDispatchConfig({ DISPATCH_AUTO_ASSIGN_TIERS: 'P1,P9' })).toThrow(/DISPATCH_AUTO_ASSIGN_TIERS/);
  });
});
