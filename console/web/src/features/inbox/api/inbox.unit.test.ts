import { describe, expect, it } from 'vitest';
import { inboxEventsOf } from './inbox';

describe('reading the inbox stream', () => {
  it('takes whole inbox events, skips comments, and keeps a partial event for the next chunk', () => {
    const first = inboxEventsOf(': open\n\nevent: inbox\ndata: {"unread":1,"added":[]}\n\n: keep-alive\n\nevent: inbox\ndata: {"unr');
    expect(first.events).toEqual([{ unread: 1, added: [] }]);
    const second = inboxEventsOf(`${first.rest}ead":2,"added":[{"id":"NTC-1"}]}\n\n`);
    expect(second.events).toEqual([{ unread: 2, added: [{ id: 'NTC-1' }] }]);
    expect(second.rest).toBe('');
  });
});
