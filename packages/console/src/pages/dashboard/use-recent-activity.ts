import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/api';
import type { Page } from '../../api/types';
import { useMode } from '../../session/mode-provider';

/** How far back the dashboard looks, and how many items it reads at most per list. */
export const activityDays = 14;
const maxPages = 10;

export interface DailyActivity {
  /** YYYY-MM-DD in the reader's time zone. */
  day: string;
  /** "Mar 3", for the chart's tooltip. */
  label: string;
  /** "3", or "Mar 3" on the first day shown and the first of a month: the axis' tick. */
  tick: string;
  events: number;
  messages: number;
}

export interface RecentActivity {
  days: DailyActivity[];
  messagesByStatus: Record<string, number>;
  totalEvents: number;
  totalMessages: number;
  /** More items exist than were read: the counts are a lower bound. */
  truncated: boolean;
}

type Listed = { created_at: string };

function dayKey(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

async function readAll<T extends Listed>(
  list: (query: Record<string, string | undefined | number>) => Promise<Page<T>>,
  since: string,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await list({ limit: 100, created_after: since, cursor });
    items.push(...answer.data);
    if (!answer.has_more || !answer.next_cursor) return { items, truncated: false };
    cursor = answer.next_cursor;
  }
  return { items, truncated: true };
}

export function summarize(events: Listed[], messages: Listed[], now: Date): DailyActivity[] {
  const days = new Map<string, DailyActivity>();
  const format = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
  for (let back = activityDays - 1; back >= 0; back--) {
    const date = new Date(now.getFullYear(), now.getMonth(), now.getDate() - back);
    const label = format.format(date);
    const tick = back === activityDays - 1 || date.getDate() === 1 ? label : String(date.getDate());
    days.set(dayKey(date), {
      day: dayKey(date),
      label,
      tick,
      events: 0,
      messages: 0,
    });
  }
  for (const event of events) {
    const slot = days.get(dayKey(new Date(event.created_at)));
    if (slot) slot.events += 1;
  }
  for (const message of messages) {
    const slot = days.get(dayKey(new Date(message.created_at)));
    if (slot) slot.messages += 1;
  }
  return [...days.values()];
}

/**
 * Events and messages of the last two weeks, counted per day and per status, from the
 * ordinary lists (the API has no aggregate endpoint yet).
 */
export function useRecentActivity() {
  const { mode } = useMode();
  return useQuery({
    queryKey: ['dashboard', 'activity', mode],
    queryFn: async (): Promise<RecentActivity> => {
      const now = new Date();
      const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - activityDays + 1);
      const since = start.toISOString();
      const [events, messages] = await Promise.all([
        readAll((query) => api.events.list(mode, query), since),
        readAll((query) => api.messages.list(mode, query), since),
      ]);
      const messagesByStatus: Record<string, number> = {};
      for (const message of messages.items) {
        messagesByStatus[message.status] = (messagesByStatus[message.status] ?? 0) + 1;
      }
      return {
        days: summarize(events.items, messages.items, now),
        messagesByStatus,
        totalEvents: events.items.length,
        totalMessages: messages.items.length,
        truncated: events.truncated || messages.truncated,
      };
    },
    refetchInterval: 30_000,
  });
}
