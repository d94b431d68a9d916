import { lastLogs, sleep } from '../packages/server/test/harness/emivoy-processes.js';
import { type ApiClient, apiClient } from '../packages/server/test/harness/event-load.js';
import { type Drill, type DrillOutcome, someIds } from './lib/drill.js';
import { openRig } from './lib/emivoy-rig.js';

/** A hostile template: which part carries the bomb, and its Liquid. */
interface Bomb {
  name: string;
  part: 'subject' | 'text_body' | 'html_body';
  source: string;
}

const nest = (depth: number, open: string, inner: string, close: string) =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

const bombs: Bomb[] = [
  {
    name: 'nested loops (3000³)',
    part: 'text_body',
    source: nest(3, '{% for a in (1..3000) %}', 'x', '{% endfor %}'),
  },
  {
    name: 'loop pyramid (2⁶⁰)',
    part: 'text_body',
    source: nest(60, '{% for a in (1..2) %}', 'x', '{% endfor %}'),
  },
  {
    name: 'huge output (40 MB)',
    part: 'text_body',
    source: nest(2, '{% for a in (1..2000) %}', '0123456789', '{% endfor %}'),
  },
  {
    name: 'huge HTML output (escaped)',
    part: 'html_body',
    source: nest(2, '{% for a in (1..2000) %}', '<b>{{ entity_name }}</b>', '{% endfor %}'),
  },
  {
    name: 'huge subject (2 MB)',
    part: 'subject',
    source: nest(2, '{% for a in (1..1500) %}', 'x', '{% endfor %}'),
  },
  {
    name: 'string doubling (2³⁰)',
    part: 'text_body',
    source:
      '{% assign s = "0123456789" %}{% for i in (1..30) %}{% assign s = s | append: s %}' +
      '{% endfor %}{{ s }}',
  },
  {
    name: 'output over the limit (1.3 MB, fast)',
    part: 'text_body',
    source:
      '{% assign s = "0123456789" %}{% for i in (1..17) %}{% assign s = s | append: s %}' +
      '{% endfor %}{{ s }}',
  },
  { name: 'huge range', part: 'text_body', source: '{% for i in (1..1000000000) %}{% endfor %}' },
  {
    name: 'deep nesting (3000 ifs)',
    part: 'text_body',
    source: nest(3000, '{% if true %}', 'x', '{% endif %}'),
  },
  { name: 'huge source (150k)', part: 'text_body', source: '{{ a }}'.repeat(21_500) },
];

/** How long one request about a bomb may take: a limit stops it well before. */
const requestLimitMs = 5_000;

/**
 * Template bombs (deep loops, huge output, deep nesting, a huge source) through
 * POST /templates, POST /templates/{id}/preview and a policy run. Each must be refused on
 * write, or stopped at preview with a `template_render_failed` problem and fail its run
 * with the reason; the server stays healthy and still renders an honest template quickly.
 */
export const templateBombsDrill: Drill = {
  name: 'template-bombs',
  databases: ['sqlite', 'postgres'],
  run: async (ctx, dialect): Promise<DrillOutcome> => {
    const rig = await openRig(
      dialect,
      { postgresServer: ctx.postgresUrl },
      {
        accountName: 'Template bombs drill',
      },
    );
    const failures: string[] = [];
    try {
      const server = await rig.processes.serve('serve');
      const api = apiClient(() => server.url, rig.account.key);
      await api.create('/entities', { external_id: 'bomb_1', entity_type: 'account', name: 'B' });
      await api.create('/contacts', {
        entity_id: 'bomb_1',
        role: 'billing_contact',
        email: 'b@b.test',
      });

      let stored = 0;
      let stopped = 0;
      const through: string[] = [];
      const runs: Array<{ bomb: string; runId: string }> = [];
      for (const [index, bomb] of bombs.entries()) {
        const result = await tryBomb(api, bomb, index);
        ctx.progress(`${bomb.name}: ${result.said}`);
        if (result.templateStored) stored++;
        if (result.problem) {
          through.push(`${bomb.name} (${result.problem})`);
          continue;
        }
        if (result.runId) runs.push({ bomb: bomb.name, runId: result.runId });
        else stopped++;
      }

      for (const { bomb, runId } of runs) {
        const run = await finishedRun(api, runId);
        if (run?.status === 'failed' && String(run.last_error).includes('failed to render')) {
          stopped++;
          continue;
        }
        through.push(`${bomb} (its run ended ${run?.status ?? 'nowhere'}: ${run?.last_error})`);
      }
      if (through.length > 0) failures.push(`bombs not stopped: ${someIds(through, 9)}`);

      const honest = await honestPreviewMs(api);
      if (honest === null || honest > 1_000) {
        failures.push(`an honest template previewed in ${honest ?? 'no'} ms after the bombs`);
      }
      if (!server.alive()) failures.push(`serve died: ${lastLogs(server)}`);
      const code = await server.stop('SIGTERM');
      if (code !== 0) failures.push(`serve exited ${code}: ${lastLogs(server)}`);

      return {
        tried: `${bombs.length} template bombs through create, preview and a policy run`,
        accepted: stored,
        processed: stopped,
        lost: through.length,
        duplicated: null,
        failures,
        notes: [
          'accepted = bombs stored as templates; processed = bombs stopped by a limit; ' +
            `lost = bombs that got through; an honest preview took ${honest} ms afterwards`,
        ],
      };
    } finally {
      await rig.close();
    }
  },
};

/**
 * One bomb: created, previewed, and sent by a policy. Returns the run to watch, or a problem
 * when it got through (rendered, answered 5xx, or took too long).
 */
async function tryBomb(
  api: ApiClient,
  bomb: Bomb,
  index: number,
): Promise<{ said: string; templateStored: boolean; problem?: string; runId?: string }> {
  const body = { name: `Bomb ${index}`, subject: 'Bomb', text_body: 'x', [bomb.part]: bomb.source };
  const created = await timed(() => api.post('/templates', body));
  if (created.ms > requestLimitMs) return tooSlow('create', created.ms);
  if (created.answer.status === 400) {
    return {
      said: `refused on create (${created.answer.body.code}, ${created.ms} ms)`,
      templateStored: false,
    };
  }
  if (created.answer.status !== 201) {
    return {
      said: `create answered ${created.answer.status}`,
      templateStored: false,
      problem: `create ${created.answer.status}`,
    };
  }

  const templateId = created.answer.body.template_id;
  const preview = await timed(() => api.post(`/templates/${templateId}/preview`, {}));
  const refusal = preview.answer.body;
  const previewSaid = `preview ${preview.answer.status} ${refusal?.code ?? ''} in ${preview.ms} ms`;
  if (preview.ms > requestLimitMs) {
    return { ...tooSlow('preview', preview.ms), templateStored: true };
  }
  if (preview.answer.status !== 400 || refusal.code !== 'template_render_failed') {
    return { said: previewSaid, templateStored: true, problem: previewSaid };
  }

  await api.create('/policies', {
    name: `Bomb ${index}`,
    event_type: `bomb.${index}`,
    steps: [{ type: 'send_email', template_id: templateId, to_roles: ['billing_contact'] }],
  });
  const event = await api.create(
    '/events',
    { event_type: `bomb.${index}`, entity_id: 'bomb_1' },
    202,
  );
  return {
    said: `stored; ${previewSaid}: ${refusal.detail}`,
    templateStored: true,
    runId: event.runs_started[0]?.run_id,
  };
}

function tooSlow(step: string, ms: number) {
  return { said: `${step} took ${ms} ms`, templateStored: false, problem: `${step} took ${ms} ms` };
}

async function timed<T>(call: () => Promise<T>): Promise<{ answer: T; ms: number }> {
  const startedAt = Date.now();
  const answer = await call();
  return { answer, ms: Date.now() - startedAt };
}

/** The run once it has ended, or as it is after 30 s. */
async function finishedRun(api: ApiClient, runId: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = (await api.get(`/runs/${runId}`)).body;
    if (!['scheduled', 'waiting'].includes(run?.status) || Date.now() > deadline) return run;
    await sleep(200);
  }
}

/** Milliseconds an ordinary template's preview takes, or null if it failed. */
async function honestPreviewMs(api: ApiClient): Promise<number | null> {
  const template = await api.create('/templates', {
    name: 'Honest',
    subject: 'Invoice {{ invoice_id }}',
    text_body: 'Hi {{ contact_name }}, {% for i in (1..10) %}{{ i }} {% endfor %}',
  });
  const preview = await timed(() => api.post(`/templates/${template.template_id}/preview`, {}));
  return preview.answer.status === 200 ? preview.ms : null;
}
