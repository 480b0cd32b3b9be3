import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, wants, webhookDeliveryId } from './webhooks';

describe('webhook signatures', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>", hex, prefixed sha256=', () => {
    // as openssl computes it: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
    expect(signWebhook('s3cret', 1_700_000_000, '{"a":1}')).toBe('sha256=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940');
    expect(signWebhook('s3cret', 1_700_000_000, '{"a":1}')).not.toBe(signWebhook('s3cret', 1_700_000_001, '{"a":1}'));
  });

  it('property: a signature verifies for its secret, timestamp and body only, and only within the tolerance', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 16 }), fc.string({ minLength: 16 }), fc.string(), fc.string(), fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }), (secret, other, body, otherBody, ts) => {
        const sig = signWebhook(secret, ts, body);
        expect(verifyWebhook(secret, ts, body, sig, ts + 10)).toBe(true);
        expect(verifyWebhook(secret, ts, body, sig, ts + 301)).toBe(false);
        if (other !== secret) expect(verifyWebhook(other, ts, body, sig, ts)).toBe(false);
        if (otherBody !== body) expect(verifyWebhook(secret, ts, otherBody, sig, ts)).toBe(false);
        expect(verifyWebhook(secret, ts + 1, body, sig, ts)).toBe(false);
      }),
    );
  });

  it('filters by kind (none named = all) and keys a delivery by fact and subscriber', () => {
    expect(wants([], 'sla-warning')).toBe(true);
    expect(wants(['sla-breached'], 'sla-warning')).toBe(false);
    expect(wants(['sla-breached', 'sla-warning'], 'sla-warning')).toBe(true);
    expect(webhookDeliveryId('e1', 'w1')).toBe(webhookDeliveryId('e1', 'w1'));
    expect(webhookDeliveryId('e1', 'w1')).not.toBe(webhookDeliveryId('e1', 'w2'));
  });
});
