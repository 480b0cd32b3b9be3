import { useFormatInstant, useMessages } from '../../../lib/i18n';
import type { Notice } from '../api/inbox';
import { inboxMessages } from '../messages';

/** The unread count in the header: a button that opens the inbox, announced as it changes. */
export function UnreadBadge({ unread, onOpen }: { unread: number; onOpen: () => void }) {
  const t = useMessages(inboxMessages);
  return (
    <button type="button" className="inbox-badge" onClick={onOpen} data-testid="unread">
      {t.title} <span aria-live="polite">{unread > 0 ? `${unread} ${t.unread}` : ''}</span>
    </button>
  );
}

/** The person's notices, newest first, each with what they can do about it (an auditor only reads). */
export function InboxScreen({ items, state, act, readOnly = false }: { items: Notice[]; state: string; act: (n: Notice, a: 'read' | 'acknowledgement') => Promise<unknown>; readOnly?: boolean }) {
  const t = useMessages(inboxMessages);
  const at = useFormatInstant();
  if (state === 'none') return <p>{t.none}</p>;
  if (state === 'error') return <p role="alert">{t.error}</p>;
  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t.title}</h1>
      <p>{t.live}</p>
      {items.length === 0 && <p>{t.empty}</p>}
      <ul className="inbox" data-testid="inbox">
        {items.map((n) => (
          <li key={n.id} data-notice={n.id} data-kind={n.kind} className={n.readAt ? 'read' : 'unread'}>
            <h2>{n.title}</h2>
            <p>
              <time dateTime={n.createdAt}>{at(n.createdAt)}</time>
              {n.urgent && !n.acknowledgedAt && <strong> · {t.urgent}</strong>}
              {n.acknowledgedAt && ` · ${t.acknowledged}: ${n.acknowledgedBy ?? ''} ${at(n.acknowledgedAt)}`}
            </p>
            <pre>{n.body}</pre>
            {!readOnly && !n.readAt && (
              <button type="button" onClick={() => void act(n, 'read')}>
                {t.markRead}
              </button>
            )}
            {!readOnly && n.urgent && !n.acknowledgedAt && (
              <button type="button" onClick={() => void act(n, 'acknowledgement')}>
                {t.acknowledge}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
