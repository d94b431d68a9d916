import { Type } from '@sinclair/typebox';
import type { RunLogRow } from '../../store/run-log-store.js';
import type { RunRow } from '../../store/runs-store.js';
import { CreatedRange, isoTime, isoTimeOrNull, ListQuery, PageOf, Timestamp } from './common.js';

const NullableTime = Type.Union([Timestamp, Type.Null()]);
export const RunStatus = Type.Union(
  (['scheduled', 'waiting', 'completed', 'cancelled', 'failed'] as const).map((s) =>
    Type.Literal(s),
  ),
);

const RunLogEntry = Type.Object(
  {
    kind: Type.String({
      description:
        'started, email_queued, recipient_skipped, wait_started, completed, cancelled, failed',
    }),
    step_index: Type.Union([Type.Integer(), Type.Null()]),
    at: Timestamp,
    detail: Type.Record(Type.String(), Type.Unknown()),
  },
  { title: 'RunLogEntry' },
);

export const Run = Type.Object(
  {
    object: Type.Literal('run'),
    run_id: Type.String(),
    policy_id: Type.String(),
    policy_version: Type.Integer({ description: 'The policy version this run keeps to the end' }),
    event_id: Type.String({ description: 'The event that started the run' }),
    entity_id: Type.String(),
    livemode: Type.Boolean(),
    status: RunStatus,
    step_index: Type.Integer({ description: 'The next step to execute' }),
    wake_at: Type.Union([Timestamp, Type.Null()], {
      description: 'When an active run is next due',
    }),
    attempts: Type.Integer(),
    last_error: Type.Union([Type.String(), Type.Null()], {
      description: 'Why it failed or was cancelled',
    }),
    cancelled_by_event_id: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
    ended_at: NullableTime,
    log: Type.Optional(Type.Array(RunLogEntry, { description: 'What happened, step by step' })),
  },
  { $id: 'Run', title: 'Run' },
);

export const RunParams = Type.Object({ run_id: Type.String({ maxLength: 100 }) });

export const RunListQuery = Type.Object(
  {
    ...ListQuery,
    ...CreatedRange,
    status: Type.Optional(RunStatus),
    event_id: Type.Optional(Type.String({ maxLength: 100 })),
    policy_id: Type.Optional(Type.String({ maxLength: 100 })),
    entity_id: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const RunPage = PageOf(Type.Ref(Run), 'Run');

export function presentRunLog(row: RunLogRow) {
  return {
    kind: row.kind,
    step_index: row.step_index,
    at: isoTime(row.at),
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}

export function presentRun(row: RunRow, log?: RunLogRow[]) {
  const active = row.status === 'scheduled' || row.status === 'waiting';
  return {
    object: 'run' as const,
    run_id: row.id,
    policy_id: row.policy_id,
    policy_version: row.policy_version,
    event_id: row.event_id,
    entity_id: row.entity_id,
    livemode: row.livemode === 1,
    status: row.status,
    step_index: row.step_index,
    wake_at: active ? isoTime(row.wake_at) : null,
    attempts: row.attempts,
    last_error: row.last_error,
    cancelled_by_event_id: row.cancelled_by_event_id,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    ended_at: isoTimeOrNull(row.ended_at),
    ...(log ? { log: log.map(presentRunLog) } : {}),
  };
}
