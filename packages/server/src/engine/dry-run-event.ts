import type { Kysely } from 'kysely';
import { parseDuration } from '../domain/duration.js';
import { projectSchedule } from '../domain/project-schedule.js';
import type { Database } from '../store/database.js';
import { findEntity } from '../store/entities-store.js';
import type { EventRow } from '../store/events-store.js';
import { findTemplate } from '../store/templates-store.js';
import type { EventInput } from './accept-event.js';
import { policiesStartedBy, readEventContext, runsResolvedBy } from './event-matching.js';
import { prepareEmails, StepFailedError } from './prepare-emails.js';

export interface DryRunStep {
  step_index: number;
  type: 'send_email' | 'wait';
  /** When the step would run (ISO 8601). */
  at: string;
  duration?: string;
  wakes_at?: string;
  template_id?: string;
  emails?: Array<{
    to: { email: string; name: string | null };
    contact_id: string;
    role: string;
    subject: string;
    text_body: string | null;
    html_body: string | null;
  }>;
  skipped?: Array<{ reason: string; message: string; role?: string; email?: string }>;
  error?: string;
}

export interface DryRunResult {
  matched_policies: Array<{
    policy_id: string;
    name: string;
    policy_version: number;
    steps: DryRunStep[];
  }>;
  runs_cancelled: Array<{ run_id: string; policy_id: string; policy_version: number }>;
}

/**
 * What posting this event would do, computed with reads only, so nothing is stored and no
 * quota is used: the policies it matches with each step's projected time, the mail each
 * would send to today's contacts, and the runs it would cancel.
 * Mail after a wait is shown with today's contacts; the real run resolves them when it runs.
 */
export async function dryRunEvent(
  db: Kysely<Database>,
  input: EventInput,
  options: { accountId: string; livemode: boolean; now: number },
): Promise<DryRunResult | 'entity_not_found'> {
  const entity = await findEntity(db, options.accountId, input.entity_id);
  if (!entity) return 'entity_not_found';

  const event: EventRow = {
    id: 'evt_dry_run',
    account_id: options.accountId,
    event_type: input.event_type,
    entity_id: input.entity_id,
    data: JSON.stringify(input.data),
    livemode: options.livemode ? 1 : 0,
    created_at: options.now,
  };
  const matchedEvent = {
    accountId: options.accountId,
    eventType: input.event_type,
    entityId: input.entity_id,
    data: input.data,
    livemode: options.livemode,
  };
  const context = await readEventContext(db, matchedEvent);
  if (!context) return 'entity_not_found';
  const matched: DryRunResult['matched_policies'] = [];
  for (const policy of policiesStartedBy(context.policies, input.data)) {
    const { definition } = policy;
    const schedule = projectSchedule(definition.steps, options.now);
    const steps: DryRunStep[] = [];
    for (const slot of schedule) {
      const step = definition.steps[slot.step_index];
      if (!step) continue;
      const base = {
        step_index: slot.step_index,
        type: step.type,
        at: new Date(slot.at).toISOString(),
      };
      if (step.type === 'wait') {
        const wakesAt = slot.at + (parseDuration(step.duration) ?? 0);
        steps.push({ ...base, duration: step.duration, wakes_at: new Date(wakesAt).toISOString() });
        continue;
      }
      const roles = step.to_roles ?? definition.recipients?.roles ?? null;
      steps.push({
        ...base,
        template_id: step.template_id,
        ...(await previewSend(db, event, entity, step.template_id, roles)),
      });
    }
    matched.push({
      policy_id: policy.id,
      name: policy.name,
      policy_version: policy.version,
      steps,
    });
  }

  const resolved = context.mayCancel ? await runsResolvedBy(db, matchedEvent) : [];
  const runsCancelled = resolved.map((run) => ({
    run_id: run.id,
    policy_id: run.policy_id,
    policy_version: run.policy_version,
  }));

  return { matched_policies: matched, runs_cancelled: runsCancelled };
}

async function previewSend(
  db: Kysely<Database>,
  event: EventRow,
  entity: NonNullable<Awaited<ReturnType<typeof findEntity>>>,
  templateId: string,
  roles: string[] | null,
): Promise<Pick<DryRunStep, 'emails' | 'skipped' | 'error'>> {
  const template = await findTemplate(db, event.account_id, templateId);
  if (!template) return { error: `template ${templateId} no longer exists` };
  try {
    const { emails, skipped } = await prepareEmails(db, { event, entity, template, roles });
    return {
      emails: emails.map(({ contact, rendered }) => ({
        to: { email: contact.email, name: contact.name },
        contact_id: contact.contact_id,
        role: contact.role,
        ...rendered,
      })),
      skipped: skipped.map((s) => ({ ...s })),
    };
  } catch (error) {
    if (error instanceof StepFailedError) return { error: error.message };
    throw error;
  }
}
