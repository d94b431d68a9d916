import { valueAt } from './match-conditions.js';
import type { CancelRule } from './policy-definition.js';

/**
 * Whether an event of `eventType` with `data` cancels a run that `triggerData` started,
 * under the run's policy rules: same event type, and equal values at every `match` key. The
 * caller has already checked that both are about the same entity.
 */
export function cancelsRun(
  rules: CancelRule[],
  eventType: string,
  data: Record<string, unknown>,
  triggerData: Record<string, unknown>,
): boolean {
  return rules.some(
    (rule) =>
      rule.event_type === eventType &&
      (rule.match ?? []).every((key) => {
        const value = valueAt(data, key);
        // A key missing on either side cannot prove it is the same invoice: no cancel.
        return (
          value !== undefined && JSON.stringify(value) === JSON.stringify(valueAt(triggerData, key))
        );
      }),
  );
}
