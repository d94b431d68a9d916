import { useQueries } from '@tanstack/react-query';
import { api } from '../../api/api';
import type { MessageStatus } from '../../api/types';

/** Statuses of a message that left for its recipient (captured ones did not). */
const wentOut: ReadonlySet<MessageStatus> = new Set([
  'sent',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'spam_reported',
  'unsubscribed',
]);

export interface GettingStartedStep {
  key: string;
  done: boolean;
}

/**
 * What a newcomer has done of the five steps to a first email, read from the API. The
 * checklist is over once a live message has actually gone out through a provider.
 */
export function useGettingStarted() {
  const results = useQueries({
    queries: [
      { queryKey: ['email-provider'], queryFn: api.emailProvider.get },
      { queryKey: ['api-keys', 'any'], queryFn: () => api.apiKeys.list({ limit: 1 }) },
      { queryKey: ['templates', 'any'], queryFn: () => api.templates.list({ limit: 1 }) },
      { queryKey: ['policies', 'any'], queryFn: () => api.policies.list({ limit: 1 }) },
      { queryKey: ['events', 'any', 'live'], queryFn: () => api.events.list('live', { limit: 1 }) },
      { queryKey: ['events', 'any', 'test'], queryFn: () => api.events.list('test', { limit: 1 }) },
      {
        queryKey: ['messages', 'recent', 'live'],
        queryFn: () => api.messages.list('live', { limit: 50 }),
      },
    ],
  });
  const [provider, keys, templates, policies, liveEvents, testEvents, messages] = results;
  const isPending = results.some((result) => result.isPending);
  const error = results.find((result) => result.error)?.error ?? null;

  const steps: GettingStartedStep[] = [
    { key: 'provider', done: Boolean(provider.data && provider.data.provider !== 'outbox') },
    { key: 'api_key', done: Boolean(keys.data?.data.length) },
    { key: 'template', done: Boolean(templates.data?.data.length) },
    { key: 'policy', done: Boolean(policies.data?.data.length) },
    { key: 'event', done: Boolean(liveEvents.data?.data.length || testEvents.data?.data.length) },
    {
      key: 'email',
      done: Boolean(messages.data?.data.some((message) => wentOut.has(message.status))),
    },
  ];
  return { steps, isPending, error, refetch: () => results.forEach((r) => void r.refetch()) };
}
