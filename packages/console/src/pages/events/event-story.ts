import type { EventDetail, Run, TimelineItem } from '../../api/types';

/**
 * What an event set off, as timeline entries oldest first: the event, each run's log (steps,
 * skipped recipients, waits with their wake-up time, the end), and each message's latest
 * status. Runs come with their log when fetched one by one.
 */
export function eventStory(event: EventDetail, runs: Run[]): TimelineItem[] {
  const items: TimelineItem[] = [
    {
      at: event.created_at,
      kind: 'event',
      event_id: event.event_id,
      detail: { event_type: event.event_type },
    },
  ];
  for (const run of runs) {
    for (const entry of run.log ?? []) {
      items.push({
        at: entry.at,
        kind: entry.kind === 'started' ? 'run_started' : entry.kind,
        run_id: run.run_id,
        step_index: entry.step_index,
        detail: { ...entry.detail, policy_id: entry.detail.policy_id ?? run.policy_id },
      });
    }
  }
  for (const message of event.messages) {
    if (message.status === 'queued') continue;
    items.push({
      at: message.sent_at ?? message.updated_at,
      kind: 'message_status',
      run_id: message.run_id,
      message_id: message.message_id,
      detail: { status: message.status, to: message.to.email, subject: message.subject },
    });
  }
  return items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
