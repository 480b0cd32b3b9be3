import type { Logger } from '@aftersales/platform';
import type { NotificationsStore } from '../store/collections';
import { tell, type NoticeOptions } from '../store/notifier';

/**
 * Tells the reminders that are due (a quote the customer has not answered, a discipline close to
 * its due date) and lets them go. The
 * notice is keyed by the reminder, so a sweep that dies between telling and removing tells nobody
 * twice. The collection holds only pending reminders, so its due-date filter reads a handful.
 */
export async function tellDueReminders(store: NotificationsStore, now: () => Date, log: Logger, options: NoticeOptions, onTold: () => void): Promise<number> {
  const due = await store.reminders.find({ dueAt: { $lte: now() } }).limit(200).toArray();
  for (const reminder of due) {
    // Keyed by the due instant too: a discipline given a new due date is reminded again.
    const eventId = `reminder:${reminder._id}@${reminder.dueAt.toISOString()}`;
    const outcome = await tell(store, { eventId, eventType: 'reminder', occurredAt: reminder.dueAt, call: reminder.call, region: reminder.region, productLine: reminder.productLine, link: reminder.link }, now, log, options);
    log.info({ reminder: reminder._id, told: outcome.told.map((t) => t.personId), unresolved: outcome.unresolved }, 'reminder told');
    await store.reminders.deleteOne({ _id: reminder._id });
  }
  if (due.length > 0) onTold();
  return due.length;
}
