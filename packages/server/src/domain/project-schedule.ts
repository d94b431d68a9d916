import { parseDuration } from './duration.js';
import type { PolicyStep } from './policy-definition.js';

export interface ScheduledStep {
  step_index: number;
  type: PolicyStep['type'];
  /** Milliseconds since the epoch at which the step runs. */
  at: number;
}

/**
 * When each step of a policy would run for an event at `start`: T+0, then each wait pushes
 * the rest later. Waits count from their due time, not from when a worker got to them, so a
 * run that started late still sends on the schedule its event set.
 */
export function projectSchedule(steps: PolicyStep[], start: number): ScheduledStep[] {
  let at = start;
  return steps.map((step, index) => {
    const scheduled = { step_index: index, type: step.type, at };
    if (step.type === 'wait') at += parseDuration(step.duration) ?? 0;
    return scheduled;
  });
}
