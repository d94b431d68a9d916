import { type Kysely, type SqlBool, sql } from 'kysely';
import { cancelsRun } from '../domain/cancel-rules.js';
import { conditionsHold } from '../domain/match-conditions.js';
import type { PolicyDefinition } from '../domain/policy-definition.js';
import type { Database } from '../store/database.js';
import { hasRowLocks } from '../store/has-row-locks.js';
import { preparedQuery } from '../store/prepared-query.js';
import { activeRunsForEntity } from '../store/runs-store.js';

/** What an event is about, as matching needs it. */
export interface MatchedEvent {
  accountId: string;
  eventType: string;
  entityId: string;
  data: Record<string, unknown>;
  livemode: boolean;
}

/**
 * An enabled policy for an event type, at the version a new run pins. A policy's
 * definition changes only with its version, so (id, version) always means this definition.
 */
export interface EnabledPolicy {
  id: string;
  name: string;
  version: number;
  definition: PolicyDefinition;
}

/** What posting an event depends on, read in one statement. */
export interface EventContext {
  /** Every enabled policy of the account for the event's type, by id. */
  policies: EnabledPolicy[];
  /**
   * Whether any version of any policy of the account lists this event type in `cancel_on`.
   * When none does, no active run can be cancelled by it and its scan is skipped.
   */
  mayCancel: boolean;
}

/**
 * The context of an event, or null when its entity does not exist. Ingest and dry run both
 * ask this, so a dry run matches exactly what a post would.
 */
export async function readEventContext(
  db: Kysely<Database>,
  event: MatchedEvent,
): Promise<EventContext | null> {
  const { accountId, eventType, entityId } = event;
  const text = cancelRuleText(eventType);
  const { rows } = await policiesAndEntity(db, accountId, eventType, entityId, text);
  const first = rows[0];
  if (!first) return null;

  const policies: EnabledPolicy[] = [];
  for (const { id, name, version, definition } of rows) {
    // A row of nulls: the entity exists and no policy matched the join.
    if (id === null || name === null || version === null || definition === null) continue;
    policies.push({ id, name, version, definition: JSON.parse(definition) as PolicyDefinition });
  }
  return { policies, mayCancel: Boolean(first.may_cancel) };
}

/** One row per enabled policy of the type (or one of nulls), none when the entity is missing. */
const policiesAndEntity = preparedQuery(
  (db, accountId: string, eventType: string, entityId: string, cancelText: string) =>
    db
      .selectFrom('entities')
      .leftJoin('policies', (join) =>
        join
          .on('policies.account_id', '=', accountId)
          .on('policies.event_type', '=', eventType)
          .on('policies.enabled', '=', 1),
      )
      .select(['policies.id', 'policies.name', 'policies.version', 'policies.definition'])
      .select(mayCancel(db, accountId, cancelText).as('may_cancel'))
      .where('entities.account_id', '=', accountId)
      .where('entities.external_id', '=', entityId)
      .orderBy('policies.id'),
);

/** The policies an event starts: every condition holds on its data. */
export function policiesStartedBy(
  policies: EnabledPolicy[],
  data: Record<string, unknown>,
): EnabledPolicy[] {
  return policies.filter((policy) => conditionsHold(policy.definition.conditions, data));
}

/**
 * The text every policy version that cancels on this event type contains: definitions are
 * stored by JSON.stringify, without spaces. Other text may contain it too (a condition's
 * value): a false positive only costs the exact scan in `runsResolvedBy`.
 */
export function cancelRuleText(eventType: string): string {
  return `"event_type":${JSON.stringify(eventType)}`;
}

/**
 * True when a version of a policy of the account contains `cancelRuleText`, deleted
 * policies included: their runs still active finish with the version they pinned, and
 * that version's `cancel_on` still applies (index `policy_versions_account`).
 */
function mayCancel(db: Kysely<Database>, accountId: string, text: string) {
  // A plain substring search, spelt per database. NOTE: not `LIKE ?`: SQLite prepares a
  // statement again whenever the pattern bound to a LIKE changes, ten times the query's cost.
  const contains = hasRowLocks(db)
    ? sql<SqlBool>`strpos(v.definition, ${text}) > 0`
    : sql<SqlBool>`instr(v.definition, ${text}) > 0`;
  return sql<SqlBool>`exists (
    select 1 from policy_versions as v
    where v.account_id = ${accountId} and ${contains})`;
}

/**
 * The active runs of the same entity and mode that this event cancels through `cancel_on`:
 * their pinned version's rules decide, with the data of the event that started each.
 */
export async function runsResolvedBy(db: Kysely<Database>, event: MatchedEvent) {
  const active = await activeRunsForEntity(db, event.accountId, event.entityId, event.livemode);
  return active.filter((run) => {
    const definition = JSON.parse(run.definition) as PolicyDefinition;
    const triggerData = JSON.parse(run.trigger_data) as Record<string, unknown>;
    return cancelsRun(definition.cancel_on, event.eventType, event.data, triggerData);
  });
}
