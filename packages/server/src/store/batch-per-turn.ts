interface PendingCall<In, Out> {
  input: In;
  resolve: (output: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Serves the calls made during one turn of the event loop with one `run` over all their
 * inputs: concurrent requests then share one database round trip instead of one each. A
 * call waits until the end of the turn it was made in (`setImmediate`), or, when `inFlight`
 * runs are already under way, until one of them ends: the calls made meanwhile then go
 * together. Writers that lock the same row (a month's usage counter) use one run at a
 * time, so that batches grow with the load instead of queueing on the lock one behind the
 * other, each with a commit of its own.
 *
 * `run` answers in the order of its inputs; when it throws, every call of the batch fails.
 */
export class BatchPerTurn<In, Out> {
  readonly #run: (inputs: In[]) => Promise<Out[]>;
  readonly #maxInFlight: number;
  #pending: Array<PendingCall<In, Out>> = [];
  #scheduled = false;
  #inFlight = 0;

  constructor(run: (inputs: In[]) => Promise<Out[]>, options: { inFlight?: number } = {}) {
    this.#run = run;
    this.#maxInFlight = options.inFlight ?? Number.POSITIVE_INFINITY;
  }

  call(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.#pending.push({ input, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#maxInFlight) return;
    this.#scheduled = true;
    setImmediate(() => void this.#flush());
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    this.#inFlight++;
    try {
      const outputs = await this.#run(batch.map((call) => call.input));
      for (const [index, call] of batch.entries()) call.resolve(outputs[index] as Out);
    } catch (error) {
      for (const call of batch) call.reject(error);
    } finally {
      this.#inFlight--;
      if (this.#pending.length > 0) this.#schedule();
    }
  }
}
