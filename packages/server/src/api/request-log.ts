import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * One log line per request, written when it is answered: the request (method, URL, client),
 * the status and the time taken. Fastify's default writes two lines, one on arrival and one
 * on completion, and each line is a write to the log's destination: at ingest rates that
 * second write cost as much as a database statement. Errors are logged as Fastify does.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error || this.isLogDisabled(request)) {
      super.requestCompleted(error, request, reply);
      return;
    }
    const responseTime = reply.elapsedTime;
    reply.log.info({ req: request, res: reply, responseTime }, 'request completed');
  }
}
