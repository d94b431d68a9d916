import type { Kysely } from 'kysely';
import { cancelsRun } from '../domain/cancel-rules.js';
import { conditionsHold } from '../domain/match-conditions.js';
import type { PolicyDefinition } from '../domain/policy-definition.js';
import type { Database } from '../store/database.js';
import type { PolicyRow } from '../store/policies-store.js';
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
 * The enabled policies an event starts: its type, and every condition holds on its data.
 * Ingest and dry run both ask this, so a dry run matches exactly what a post would.
 */
export async function matchingPolicies(
  db: Kysely<Database>,
  event: MatchedEvent,
): Promise<Array<{ policy: PolicyRow; definition: PolicyDefinition }>> {
  const policies = await db
    .selectFrom('policies')
    .selectAll()
    .where('account_id', '=', event.accountId)
    .where('event_type', '=', event.eventType)
    .where('enabled', '=', 1)
    .orderBy('id')
    .execute();
  return policies
    .map((policy) => ({ policy, definition: JSON.parse(policy.definition) as PolicyDefinition }))
    .filter(({ definition }) => conditionsHold(definition.conditions, event.data));
}

/** The active runs of the same entity and mode that this event cancels through `cancel_on`. */
export async function runsResolvedBy(db: Kysely<Database>, event: MatchedEvent) {
  const active = await activeRunsForEntity(db, event.accountId, event.entityId, event.livemode);
  return active.filter((run) => {
    const definition = JSON.parse(run.definition) as PolicyDefinition;
    const triggerData = JSON.parse(run.trigger_data) as Record<string, unknown>;
    return cancelsRun(definition.cancel_on, event.eventType, event.data, triggerData);
  });
}
