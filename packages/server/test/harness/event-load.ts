import { sleep } from './emivoy-processes.js';

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

/** JSON over real HTTP to a running emivoy; `baseUrl` is asked each time (restarts move it). */
export function apiClient(baseUrl: () => string, key: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const response = await fetch(`${baseUrl()}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown) => call('POST', path, body),
    /** POST that must answer `status`, returning the body. */
    create: async (path: string, body: unknown, status = 201) => {
      const answer = await call('POST', path, body);
      if (answer.status !== status) {
        throw new Error(`POST ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
      return answer.body;
    },
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** An event the server acknowledged with 202, and the runs it said it started. */
export interface AcceptedEvent {
  eventId: string;
  runIds: string[];
}

export interface LoadResult {
  accepted: AcceptedEvent[];
  /** Requests that got no answer (connection refused or cut): never acknowledged. */
  connectionErrors: number;
  /** Answers other than 202, by status. */
  otherAnswers: Record<number, number>;
}

/**
 * Posts events from `clients` concurrent loops until `running()` turns false. A request that
 * fails without an answer is only counted: the client would retry it, and it was never
 * acknowledged, so the server owes nothing for it.
 */
export async function fireEvents(options: {
  api: ApiClient;
  clients: number;
  running: () => boolean;
  event: (sequence: number) => unknown;
}): Promise<LoadResult> {
  const result: LoadResult = { accepted: [], connectionErrors: 0, otherAnswers: {} };
  let sequence = 0;

  const client = async () => {
    while (options.running()) {
      const body = options.event(sequence++);
      let answer: ApiAnswer;
      try {
        answer = await options.api.post('/events', body);
      } catch {
        result.connectionErrors++;
        await sleep(100);
        continue;
      }
      if (answer.status !== 202) {
        result.otherAnswers[answer.status] = (result.otherAnswers[answer.status] ?? 0) + 1;
        continue;
      }
      result.accepted.push({
        eventId: answer.body.event_id,
        runIds: answer.body.runs_started.map((run: { run_id: string }) => run.run_id),
      });
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  return result;
}

/** Creates a template, an entity with one contact per role, and a policy over them. */
export async function createScenario(
  api: ApiClient,
  options: { eventType: string; entityId: string; roles: string[]; waitDuration: string },
): Promise<{ policyId: string }> {
  const template = await api.create('/templates', {
    name: `Notice for ${options.eventType}`,
    subject: 'Event {{n}} for {{entity_name}}',
    text_body: 'Hi {{contact_name}} ({{contact_role}}), this is event {{n}}.',
  });
  await api.create('/entities', {
    external_id: options.entityId,
    entity_type: 'account',
    name: 'Drill Corp',
  });
  for (const role of options.roles) {
    await api.create('/contacts', {
      entity_id: options.entityId,
      role,
      email: `${role}@drill.example`,
      name: role,
    });
  }
  const send = { type: 'send_email', template_id: template.template_id };
  const policy = await api.create('/policies', {
    name: `Drill ${options.eventType}`,
    event_type: options.eventType,
    recipients: { roles: options.roles },
    steps: [send, { type: 'wait', duration: options.waitDuration }, send],
  });
  return { policyId: policy.policy_id };
}
