import type { EnabledPolicy } from './event-matching.js';

/** Accounts × event types remembered; beyond that the oldest is forgotten. */
const capacity = 1000;

/**
 * The enabled policies of an account for one event type, as this process last read them,
 * so that ingest on PostgreSQL need not read them again for every event. Only ever a guess:
 * the statement that stores the event compares it with the database (ids and versions,
 * which fix the definitions) and stores nothing when it is stale. Edits made by another
 * process are therefore never missed; they only cost one more round trip.
 */
export class KnownPolicies {
  readonly #byKey = new Map<string, EnabledPolicy[]>();

  get(accountId: string, eventType: string): EnabledPolicy[] | undefined {
    return this.#byKey.get(key(accountId, eventType));
  }

  set(accountId: string, eventType: string, policies: EnabledPolicy[]): void {
    const entry = key(accountId, eventType);
    this.#byKey.delete(entry);
    if (this.#byKey.size >= capacity) {
      const oldest = this.#byKey.keys().next().value;
      if (oldest !== undefined) this.#byKey.delete(oldest);
    }
    this.#byKey.set(entry, policies);
  }

  forget(accountId: string, eventType: string): void {
    this.#byKey.delete(key(accountId, eventType));
  }
}

function key(accountId: string, eventType: string): string {
  return `${accountId}\n${eventType}`;
}
