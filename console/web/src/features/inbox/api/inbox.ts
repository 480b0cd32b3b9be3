import { useCallback, useEffect, useState } from 'react';
import { apiCall, bearerToken } from '../../../lib/api';

export interface Notice {
  id: string;
  kind: string;
  title: string;
  body: string;
  subject: string;
  link: string;
  urgent: boolean;
  createdAt: string;
  readAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

interface InboxEvent {
  unread: number;
  added: Notice[];
}

/** Splits a server-sent event stream into its `inbox` events (the only kind the inbox stream sends). */
export function inboxEventsOf(buffer: string): { events: InboxEvent[]; rest: string } {
  const events: InboxEvent[] = [];
  let rest = buffer;
  let end;
  while ((end = rest.indexOf('\n\n')) >= 0) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const data = /^event: inbox\ndata: (.*)$/m.exec(block);
    if (data) events.push(JSON.parse(data[1]!) as InboxEvent);
  }
  return { events, rest };
}

/**
 * The signed-in person's inbox: read once, then kept live by the notifications service's event
 * stream (through the console's origin, with the bearer, so fetch rather than EventSource); the
 * stream is opened again after a drop.
 */
export function useInbox(personId: string) {
  const [items, setItems] = useState<Notice[]>([]);
  const [unread, setUnread] = useState(0);
  const [state, setState] = useState<'loading' | 'ready' | 'none' | 'error'>('loading');
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    apiCall<{ items: Notice[] }>('notifications', `/v1/people/${encodeURIComponent(personId)}/notices?limit=50`).then((answer) => {
      if (!live) return;
      if (answer.status === 404 || answer.status === 403) return setState('none');
      if (answer.status !== 200) return setState('error');
      setItems(answer.body.items);
      setUnread(answer.body.items.filter((n) => !n.readAt).length);
      setState('ready');
    }, () => live && setState('error'));
    return () => {
      live = false;
    };
  }, [personId, tick]);

  useEffect(() => {
    if (state !== 'ready') return;
    const abort = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    const open = async () => {
      try {
        const token = bearerToken();
        const response = await fetch(`/api/notifications/v1/people/${encodeURIComponent(personId)}/notices/stream`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: abort.signal });
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const split = inboxEventsOf(buffer + decoder.decode(value, { stream: true }));
          buffer = split.rest;
          for (const event of split.events) {
            setUnread(event.unread);
            if (event.added.length > 0) setItems((current) => [...event.added.filter((n) => !current.some((c) => c.id === n.id)), ...current]);
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      if (!abort.signal.aborted) retry = setTimeout(() => void open(), 3000);
    };
    void open();
    return () => {
      abort.abort();
      clearTimeout(retry);
    };
  }, [personId, state]);

  const act = useCallback(async (notice: Notice, action: 'read' | 'acknowledgement') => {
    const answer = await apiCall<Notice>('notifications', `/v1/notices/${notice.id}/${action}`, { method: 'POST' });
    if (answer.status === 200) {
      setItems((current) => current.map((n) => (n.id === notice.id ? answer.body : n)));
      // The stream confirms the count within a second; the reader should not wait for it.
      if (!notice.readAt) setUnread((n) => Math.max(0, n - 1));
    }
    return answer;
  }, []);

  return { items, unread, state, reload, act };
}
