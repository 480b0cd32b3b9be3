import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ackToken, noticeOfAckToken } from './ack-link';

const secret = 'a-secret-of-sixteen-or-more';

describe('acknowledgement links', () => {
  it('a token names its notice under the secret it was made with', () => {
    const token = ackToken('NTC-0123456789abcdef01234567', secret);
    expect(token.startsWith('NTC-0123456789abcdef01234567.')).toBe(true);
    expect(noticeOfAckToken(token, secret)).toBe('NTC-0123456789abcdef01234567');
  });

  it('is refused under another secret, for another notice, or altered anywhere', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^NTC-[0-9a-f]{24}$/), fc.stringMatching(/^NTC-[0-9a-f]{24}$/), fc.string({ minLength: 16 }), fc.nat(), (notice, other, otherSecret, at) => {
        const token = ackToken(notice, secret);
        if (otherSecret !== secret) expect(noticeOfAckToken(token, otherSecret)).toBeNull();
        if (other !== notice) expect(noticeOfAckToken(`${other}${token.slice(notice.length)}`, secret)).toBeNull();
        const i = at % token.length;
        const flipped = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
        expect(noticeOfAckToken(flipped, secret)).toBeNull();
      }),
    );
    expect(noticeOfAckToken('no-dot', secret)).toBeNull();
    expect(noticeOfAckToken('.abc', secret)).toBeNull();
  });
});
