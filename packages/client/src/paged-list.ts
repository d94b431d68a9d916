/** What every list answer carries besides its items. */
export interface Cursored {
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * A list call. Awaited, it is one page, as the API answers it; iterated with `for await`,
 * it is every item of every page, fetched a page at a time by following `next_cursor`.
 * `limit` sets the page size, not a cap on the items: `break` to stop early.
 *
 * @example
 * const page = await client.entities.list({ limit: 7 });          // one request
 * for await (const entity of client.entities.list({ limit: 7 })) {  // every entity
 *   console.log(entity.entity_id);
 * }
 */
export class PagedList<Page extends Cursored, Item>
  implements PromiseLike<Page>, AsyncIterable<Item>
{
  #first: Promise<Page> | undefined;

  constructor(
    private readonly fetchPage: (cursor: string | undefined) => Promise<Page>,
    private readonly itemsOf: (page: Page) => Item[],
    private readonly startCursor: string | undefined,
  ) {}

  // biome-ignore lint/suspicious/noThenProperty: a list is awaitable on purpose: it is one page.
  then<Fulfilled = Page, Rejected = never>(
    onFulfilled?: ((page: Page) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onRejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    // Requested once, however often it is awaited.
    this.#first ??= this.fetchPage(this.startCursor);
    return this.#first.then(onFulfilled, onRejected);
  }

  /** Each page in turn, from the list's `cursor` (or the start) to the last. */
  async *pages(): AsyncGenerator<Page, void, undefined> {
    let cursor = this.startCursor;
    while (true) {
      const page = await this.fetchPage(cursor);
      yield page;
      if (!page.has_more || page.next_cursor === null) return;
      cursor = page.next_cursor;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    for await (const page of this.pages()) yield* this.itemsOf(page);
  }
}
