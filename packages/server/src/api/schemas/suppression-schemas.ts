import { Type } from '@sinclair/typebox';
import type { SuppressionRow } from '../../store/suppressions-store.js';
import { isoTime, Timestamp } from './common.js';

export const SuppressionReason = Type.Union(
  (['bounce', 'invalid', 'spam_report', 'unsubscribe', 'manual'] as const).map((r) =>
    Type.Literal(r),
  ),
);

export const Suppression = Type.Object(
  {
    object: Type.Literal('suppression'),
    email: Type.String(),
    reason: SuppressionReason,
    detail: Type.Union([Type.String(), Type.Null()]),
    message_id: Type.Union([Type.String(), Type.Null()], {
      description: 'The message that caused it',
    }),
    created_at: Timestamp,
  },
  { $id: 'Suppression', title: 'Suppression' },
);

export function presentSuppression(row: SuppressionRow) {
  return {
    object: 'suppression' as const,
    email: row.email,
    reason: row.reason,
    detail: row.detail,
    message_id: row.message_id,
    created_at: isoTime(row.created_at),
  };
}
