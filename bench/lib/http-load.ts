import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { cpuMsOf } from './processes.js';

/** One kind of request to fire at a server: where, with which headers, which body. */
export interface RequestPlan {
  origin: string;
  path: string;
  headers: Record<string, string>;
  /** The body of the n-th request. */
  body: (sequence: number) => string;
  /** The status that counts as success (202 for events). */
  expectStatus: number;
}

export interface ThroughputResult {
  /** Successful requests a second over the measured window. */
  rate: number;
  ok: number;
  /** Answers with another status, by status, and requests that failed without one. */
  failures: Record<string, number>;
  /** CPU the server process used per answered request, warm-up included (when its pid is given). */
  cpuMsPerRequest: number;
}

/**
 * Closed-loop maximum throughput: `connections` clients, each sending its next request as
 * soon as the previous one is answered. Only answers that arrive inside the measured window
 * (after `warmupMs`) count. This is the floor's and the subject's capacity, never a latency.
 */
export async function measureThroughput(
  plan: RequestPlan,
  options: { connections: number; warmupMs: number; durationMs: number; pid?: number },
): Promise<ThroughputResult> {
  const cpuBefore = options.pid ? cpuMsOf(options.pid) : Number.NaN;
  let answered = 0;
  const pool = new Pool(plan.origin, { connections: options.connections, pipelining: 1 });
  const failures: Record<string, number> = {};
  let sequence = 0;
  let ok = 0;
  const start = performance.now();
  const windowStart = start + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;

  const client = async () => {
    while (performance.now() < windowEnd) {
      const outcome = await send(pool, plan, sequence++);
      answered++;
      const at = performance.now();
      if (at < windowStart || at > windowEnd) continue;
      if (outcome === plan.expectStatus) ok++;
      else failures[String(outcome)] = (failures[String(outcome)] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, client));
  } finally {
    await pool.close();
  }
  const cpuMs = options.pid ? cpuMsOf(options.pid) - cpuBefore : Number.NaN;
  return {
    rate: (ok / options.durationMs) * 1000,
    ok,
    failures,
    cpuMsPerRequest: cpuMs / answered,
  };
}

export interface OpenLoopResult {
  /** Latency of every request from its scheduled send time, in ms. */
  latencies: number[];
  /** Requests actually completed a second. */
  achievedRate: number;
  failures: Record<string, number>;
}

/**
 * Open-loop load: requests are scheduled at a fixed rate whether or not earlier ones were
 * answered, and each latency runs from the scheduled time, not from when the request left.
 * A server that falls behind therefore shows its queue in the figures instead of slowing
 * the client down (no coordinated omission). The first `warmupMs` are sent but not counted.
 */
export async function measureOpenLoop(
  plan: RequestPlan,
  options: { rate: number; warmupMs: number; durationMs: number; maxConnections?: number },
): Promise<OpenLoopResult> {
  const pool = new Pool(plan.origin, {
    connections: options.maxConnections ?? 512,
    pipelining: 1,
  });
  const intervalMs = 1000 / options.rate;
  const failures: Record<string, number> = {};
  const latencies: number[] = [];
  // Scheduled send time of every counted request not answered yet, by sequence number.
  const pending = new Map<number, number>();
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const end = measureFrom + options.durationMs;
  let sequence = 0;
  let completed = 0;

  const fire = (scheduledAt: number) => {
    const counted = scheduledAt >= measureFrom;
    const id = sequence++;
    if (counted) pending.set(id, scheduledAt);
    const request = send(pool, plan, id).then((outcome) => {
      inFlight.delete(request);
      if (!counted || !pending.delete(id)) return;
      completed++;
      if (outcome === plan.expectStatus) latencies.push(performance.now() - scheduledAt);
      else failures[String(outcome)] = (failures[String(outcome)] ?? 0) + 1;
    });
    inFlight.add(request);
  };

  try {
    for (let next = start; next < end; ) {
      const now = performance.now();
      while (next <= now && next < end) {
        fire(next);
        next += intervalMs;
      }
      await sleep(Math.max(0, Math.min(next - performance.now(), 5)));
    }
    // What is still unanswered ten seconds after the last send is counted as lost, and its
    // latency so far stays in the figures: a lower bound, never left out.
    const drained = Promise.all(inFlight).then(() => true);
    const timedOut = sleep(10_000).then(() => false);
    if (!(await Promise.race([drained, timedOut]))) {
      const now = performance.now();
      for (const scheduledAt of pending.values()) latencies.push(now - scheduledAt);
      failures.unanswered = (failures.unanswered ?? 0) + pending.size;
      pending.clear();
    }
  } finally {
    await pool.destroy();
  }
  return { latencies, achievedRate: (completed / options.durationMs) * 1000, failures };
}

/** One request; the answer's status, or the error code when none came. */
async function send(pool: Pool, plan: RequestPlan, sequence: number): Promise<number | string> {
  try {
    const response = await pool.request({
      method: 'POST',
      path: plan.path,
      headers: plan.headers,
      body: plan.body(sequence),
    });
    await response.body.dump();
    return response.statusCode;
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}
