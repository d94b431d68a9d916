import { Type } from '@sinclair/typebox';
import { appendRunLog, runLogOf } from '../../store/run-log-store.js';
import { activeRunStatuses, cancelRuns, findRun, listRuns } from '../../store/runs-store.js';
import { type App, type Caller, callerOf } from '../app-context.js';
import { ApiError } from '../problem.js';
import { errorResponses, msOrUndefined } from '../schemas/common.js';
import { presentRun, Run, RunListQuery, RunPage, RunParams } from '../schemas/run-schemas.js';

const tags = ['runs'];

export async function runsRoutes(app: App): Promise<void> {
  const { db } = app.services.database;

  /** The caller's run in the caller's mode, else 404: a test key never sees live runs. */
  async function runOf(caller: Caller, runId: string) {
    const run = await findRun(db, caller.accountId, runId);
    if (!run || (run.livemode === 1) !== caller.livemode) {
      throw new ApiError('run_not_found', `No run ${runId}`);
    }
    return run;
  }

  app.get(
    '/runs',
    {
      schema: {
        operationId: 'listRuns',
        tags,
        summary: 'List runs, newest first',
        querystring: RunListQuery,
        response: { 200: RunPage, ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { query } = request;
      const page = await listRuns(db, caller.accountId, {
        ...query,
        limit: query.limit ?? 20,
        livemode: caller.livemode,
        created_after: msOrUndefined(query.created_after),
        created_before: msOrUndefined(query.created_before),
      });
      return { ...page, data: page.data.map((run) => presentRun(run)) };
    },
  );

  app.get(
    '/runs/:run_id',
    {
      schema: {
        operationId: 'getRun',
        tags,
        summary: 'Get a run with its log: every step, wait, skipped recipient and cancellation',
        params: RunParams,
        response: { 200: Type.Ref(Run), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const run = await runOf(caller, request.params.run_id);
      return presentRun(run, await runLogOf(db, caller.accountId, [run.id]));
    },
  );

  app.post(
    '/runs/:run_id/cancel',
    {
      schema: {
        operationId: 'cancelRun',
        tags,
        summary: 'Cancel an active run: it sends nothing more',
        params: RunParams,
        response: { 200: Type.Ref(Run), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const run = await runOf(caller, request.params.run_id);
      const now = app.services.now();
      const reason = 'cancelled through the API';
      const cancelled = await db.transaction().execute(async (trx) => {
        const ids = await cancelRuns(trx, [run.id], { eventId: null, reason }, now);
        if (ids.length === 0) return false;
        const detail = { reason, api_key_id: caller.apiKeyId };
        await appendRunLog(
          trx,
          [
            {
              run_id: run.id,
              account_id: run.account_id,
              step_index: run.step_index,
              kind: 'cancelled',
              detail,
            },
          ],
          now,
        );
        return true;
      });
      if (!cancelled) throw new ApiError('run_not_active', `Run ${run.id} has already ended`);
      return presentRun((await findRun(db, caller.accountId, run.id)) ?? run);
    },
  );

  app.post(
    '/runs/:run_id/advance',
    {
      schema: {
        operationId: 'advanceRun',
        tags,
        summary:
          'Test mode: end the current wait now, so a three-day policy can be tried in seconds',
        params: RunParams,
        response: { 200: Type.Ref(Run), ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const run = await runOf(caller, request.params.run_id);
      if (run.livemode === 1) {
        throw new ApiError('forbidden', 'Only test-mode runs can be advanced; use an em_test_ key');
      }
      const now = app.services.now();
      const result = await db
        .updateTable('runs')
        .set({ wake_at: now, updated_at: now })
        .where('id', '=', run.id)
        .where('status', 'in', activeRunStatuses)
        .where('wake_at', '>', now)
        .executeTakeFirst();
      if (!activeRunStatuses.includes(run.status)) {
        throw new ApiError('run_not_active', `Run ${run.id} has already ended`);
      }
      if (result.numUpdatedRows > 0n) app.services.wakeWorker();
      return presentRun((await findRun(db, caller.accountId, run.id)) ?? run);
    },
  );
}
