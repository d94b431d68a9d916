import { Type } from '@sinclair/typebox';
import type { MessageRow, MessageStatusRow } from '../../store/messages-store.js';
import { CreatedRange, isoTime, isoTimeOrNull, ListQuery, PageOf, Timestamp } from './common.js';

const NullableTime = Type.Union([Timestamp, Type.Null()]);
const NullableText = Type.Union([Type.String(), Type.Null()]);
export const MessageStatus = Type.Union(
  (
    [
      'queued',
      'captured',
      'sent',
      'delivered',
      'failed',
      'bounced',
      'opened',
      'clicked',
      'spam_reported',
      'unsubscribed',
    ] as const
  ).map((s) => Type.Literal(s)),
  { description: 'captured: kept by the outbox, not sent to anyone' },
);

export const Message = Type.Object(
  {
    object: Type.Literal('message'),
    message_id: Type.String(),
    run_id: Type.String(),
    event_id: Type.String(),
    entity_id: Type.String(),
    contact_id: NullableText,
    template_id: Type.String(),
    step_index: Type.Integer(),
    livemode: Type.Boolean(),
    provider: Type.String({ description: 'outbox, sendgrid or smtp' }),
    to: Type.Object({ email: Type.String(), name: NullableText }),
    subject: Type.String(),
    status: MessageStatus,
    attempts: Type.Integer(),
    next_attempt_at: NullableTime,
    last_error: NullableText,
    provider_message_id: NullableText,
    created_at: Timestamp,
    updated_at: Timestamp,
    sent_at: NullableTime,
    text_body: Type.Optional(NullableText),
    html_body: Type.Optional(NullableText),
    status_history: Type.Optional(
      Type.Array(Type.Object({ status: Type.String(), at: Timestamp, detail: NullableText })),
    ),
  },
  { $id: 'Message', title: 'Message' },
);

export const MessageParams = Type.Object({ message_id: Type.String({ maxLength: 100 }) });

export const MessageListQuery = Type.Object(
  {
    ...ListQuery,
    ...CreatedRange,
    status: Type.Optional(MessageStatus),
    event_id: Type.Optional(Type.String({ maxLength: 100 })),
    run_id: Type.Optional(Type.String({ maxLength: 100 })),
    entity_id: Type.Optional(Type.String({ maxLength: 200 })),
    to: Type.Optional(Type.String({ maxLength: 320, description: 'recipient address' })),
  },
  { additionalProperties: false },
);

export const MessagePage = PageOf(Type.Ref(Message), 'Message');

/** A message; with `history`, also its rendered bodies and every status it went through. */
export function presentMessage(row: MessageRow, history?: MessageStatusRow[]) {
  const summary = {
    object: 'message' as const,
    message_id: row.id,
    run_id: row.run_id,
    event_id: row.event_id,
    entity_id: row.entity_id,
    contact_id: row.contact_id,
    template_id: row.template_id,
    step_index: row.step_index,
    livemode: row.livemode === 1,
    provider: row.provider,
    to: { email: row.to_email, name: row.to_name },
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === 'queued' ? isoTimeOrNull(row.next_attempt_at) : null,
    last_error: row.last_error,
    provider_message_id: row.provider_message_id,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    sent_at: isoTimeOrNull(row.sent_at),
  };
  if (!history) return summary;
  return {
    ...summary,
    text_body: row.text_body,
    html_body: row.html_body,
    status_history: history.map((h) => ({ status: h.status, at: isoTime(h.at), detail: h.detail })),
  };
}
