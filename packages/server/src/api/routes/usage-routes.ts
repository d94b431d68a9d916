import { Type } from '@sinclair/typebox';
import { eventsThisPeriod, usagePeriod } from '../../store/usage-store.js';
import { type App, callerOf } from '../app-context.js';
import { errorResponses, isoTime } from '../schemas/common.js';

const Usage = Type.Object(
  {
    object: Type.Literal('usage'),
    period: Type.String({ description: 'Calendar month in UTC, such as 2026-12' }),
    period_start: Type.String({ format: 'date-time' }),
    period_end: Type.String({ format: 'date-time' }),
    events: Type.Integer({ description: 'Live events accepted this month' }),
    limit: Type.Union([Type.Integer(), Type.Null()], { description: 'Null: unlimited' }),
    remaining: Type.Union([Type.Integer(), Type.Null()]),
  },
  { title: 'Usage' },
);

export async function usageRoutes(app: App): Promise<void> {
  app.get(
    '/usage',
    {
      schema: {
        tags: ['usage'],
        operationId: 'getUsage',
        summary: "This month's live events against the plan's limit",
        response: { 200: Usage, ...errorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const now = app.services.now();
      const events = await eventsThisPeriod(app.services.database.db, caller.accountId, now);
      const date = new Date(now);
      const limit = caller.monthlyEventLimit;
      return {
        object: 'usage' as const,
        period: usagePeriod(now),
        period_start: isoTime(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)),
        period_end: isoTime(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)),
        events,
        limit,
        remaining: limit === null ? null : Math.max(0, limit - events),
      };
    },
  );
}
