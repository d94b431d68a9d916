import type { TimelineItem } from '../../api/types';

export interface EventSection {
  event: TimelineItem;
  items: TimelineItem[];
}

/** A message's first status says what its `email_queued` entry already said. */
function isRedundant(item: TimelineItem): boolean {
  return item.kind === 'message_status' && item.detail.status === 'queued';
}

/**
 * The entity's timeline cut into one section per event, newest event first, each telling its
 * story oldest first: the event, the runs it started, their steps, waits and messages. Run log
 * and message entries carry only a run id; the run's `run_started` entry links it to its event.
 */
export function groupTimeline(items: TimelineItem[]): EventSection[] {
  const eventOfRun = new Map<string, string>();
  for (const item of items) {
    if (item.kind === 'run_started' && item.run_id && item.event_id) {
      eventOfRun.set(item.run_id, item.event_id);
    }
  }

  const sections = new Map<string, EventSection>();
  for (const item of items) {
    if (item.kind === 'event' && item.event_id)
      sections.set(item.event_id, { event: item, items: [] });
  }
  for (const item of items) {
    if (item.kind === 'event' || isRedundant(item)) continue;
    const eventId = item.event_id ?? (item.run_id ? eventOfRun.get(item.run_id) : undefined);
    const section = eventId ? sections.get(eventId) : undefined;
    section?.items.push(item);
    // A cancellation is also part of the story of the event that caused it.
    const cause = item.kind === 'cancelled' ? item.detail.event_id : undefined;
    if (typeof cause === 'string' && cause !== eventId) sections.get(cause)?.items.push(item);
  }

  const byTime = (a: TimelineItem, b: TimelineItem) => Date.parse(a.at) - Date.parse(b.at);
  for (const section of sections.values()) section.items.sort(byTime);
  return [...sections.values()].sort((a, b) => byTime(b.event, a.event));
}
