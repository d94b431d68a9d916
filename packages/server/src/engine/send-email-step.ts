import type { Kysely } from 'kysely';
import type { SendEmailStep } from '../domain/policy-definition.js';
import type { Database } from '../store/database.js';
import type { EntityRow } from '../store/entities-store.js';
import type { EventRow } from '../store/events-store.js';
import { type MessageRow, messageRow } from '../store/messages-store.js';
import type { RunLogEntry } from '../store/run-log-store.js';
import type { RunRow } from '../store/runs-store.js';
import { prepareEmails, StepFailedError } from './prepare-emails.js';
import type { StepReads } from './step-reads.js';

interface StepInput {
  run: RunRow;
  stepIndex: number;
  step: SendEmailStep;
  /** Default roles of the policy (`recipients.roles`); null mails every contact. */
  policyRoles: string[] | null;
  event: EventRow;
  entity: EntityRow | undefined;
  now: number;
  delivery: DeliveryLease;
  reads: StepReads;
}

/**
 * The worker executing the step delivers what it queues itself, right after the commit:
 * its messages are stored leased to it. They are not stored by the step: they are collected
 * in `queued`, for the caller to store those of all its runs' steps in one go
 * (`insertMessages`, which also says which of them a former execution had stored already).
 */
export interface DeliveryLease {
  owner: string;
  until: number;
  queued: MessageRow[];
}

/**
 * Executes one `send_email` step inside the run's transaction: resolves the entity's
 * contacts now (not when the event came in) and makes one message per address, added to
 * `delivery.queued`. Returns the log entries that say what happened to whom; the caller
 * drops the `email_queued` ones of messages that turn out to exist already.
 */
export async function executeSendEmail(
  trx: Kysely<Database>,
  input: StepInput,
): Promise<RunLogEntry[]> {
  const { run, stepIndex, step, entity } = input;
  const log = (kind: RunLogEntry['kind'], detail: Record<string, unknown>): RunLogEntry => ({
    run_id: run.id,
    account_id: run.account_id,
    step_index: stepIndex,
    kind,
    detail,
  });

  const template = await input.reads.template(run.account_id, step.template_id);
  if (!template) throw new StepFailedError(`template ${step.template_id} no longer exists`);
  if (!entity) {
    const message = `entity ${run.entity_id} no longer exists`;
    return [log('recipient_skipped', { reason: 'entity_deleted', message })];
  }

  // Test mode always captures; live mail goes where the account's settings say right now.
  const settings =
    run.livemode === 1 ? await input.reads.providerSettings(run.account_id) : undefined;
  const provider = settings?.provider ?? 'outbox';
  const roles = step.to_roles ?? input.policyRoles;
  const { emails, skipped } = await prepareEmails(
    trx,
    { event: input.event, entity, template, roles },
    input.reads,
  );
  const options =
    provider === 'outbox'
      ? { captured: true }
      : { leaseTo: { owner: input.delivery.owner, until: input.delivery.until } };
  const queued = emails.map(({ contact, rendered }) =>
    messageRow(
      {
        account_id: run.account_id,
        run_id: run.id,
        step_index: stepIndex,
        event_id: run.event_id,
        entity_id: run.entity_id,
        contact_id: contact.contact_id,
        template_id: template.id,
        livemode: run.livemode,
        provider,
        to_email: contact.email.toLowerCase(),
        to_name: contact.name,
        subject: rendered.subject,
        text_body: rendered.text_body,
        html_body: rendered.html_body,
      },
      input.now,
      options,
    ),
  );
  input.delivery.queued.push(...queued);

  return [
    ...queued.map((m) =>
      log('email_queued', {
        message_id: m.id,
        to: m.to_email,
        contact_id: m.contact_id,
        template_id: template.id,
      }),
    ),
    ...skipped.map((s) => log('recipient_skipped', { ...s })),
  ];
}
