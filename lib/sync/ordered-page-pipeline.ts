import { trackSettled, type Tracked } from "@/lib/async/track-settled";

/**
 * The ordered-page pipeline shared by the directory sync (lib/sync/run-sync.ts) and the sign-in pull
 * (lib/signins/pull-sign-ins.ts): pages are fetched one after another, the next one requested as soon as a page
 * arrives, and each page's writes (one transaction with the run's resume point) are handed to a connection that
 * commits them in order (SQLite's writer thread, PostgreSQL's writer) while the next pages are fetched and planned, up
 * to the connection's `pagesInFlight` uncommitted pages. A page counts once committed; a failure leaves nothing
 * running: the pages in flight settle and the request in flight too.
 */

/** What the pipeline needs of the connection that commits the pages (lib/sync/open-sync-connection.ts). */
export interface PipelineConnection {
  /** Pages that may be handed over before the oldest of them has committed. */
  readonly pagesInFlight: number;
  /** The pages held so far are to be committed without waiting for more (the caller waits for one of them). */
  flush(): void;
}

/** The pages handed to the connection and not yet waited for, oldest first, each with the ids it writes. */
export class PagesInFlight {
  private readonly pages: { commit: Tracked<void>; ids: ReadonlySet<string> }[] = [];

  constructor(private readonly connection: PipelineConnection) {}

  get size(): number {
    return this.pages.length;
  }

  /** Whether a page in flight (handed over, not committed yet) writes `id`: the hook a page de-duplicates against. */
  holds(id: string): boolean {
    return this.pages.some((p) => p.ids.has(id));
  }

  /**
   * Waits for the oldest page in flight to commit (its failure is thrown). Only a page still waiting asks the
   * connection to commit what it holds now: the pages behind it keep waiting for a full group.
   */
  async commitOldest(): Promise<void> {
    const oldest = this.pages[0]!;
    if (!oldest.commit.settled) this.connection.flush();
    try {
      await oldest.commit.promise;
    } finally {
      this.pages.shift();
    }
  }

  /**
   * Waits until no page in flight writes any of `ids` (a page that reads an object's stored row does so once the
   * page writing it has committed) and fewer than `pagesInFlight` pages are in flight.
   */
  async makeRoom(ids: readonly string[] = []): Promise<void> {
    while (ids.length && this.pages.some((p) => ids.some((id) => p.ids.has(id)))) await this.commitOldest();
    while (this.pages.length >= this.connection.pagesInFlight) await this.commitOldest();
  }

  /** A page's commit, handed to the connection (awaited later, in order). */
  hand(commit: Promise<unknown>, ids: Iterable<string>): void {
    this.pages.push({ commit: trackSettled(commit.then(() => undefined)), ids: new Set(ids) });
  }

  /** Every page in flight committed, in order; the first failure is thrown. */
  async drain(): Promise<void> {
    while (this.pages.length) await this.commitOldest();
  }

  /** After a failure: every page in flight settles (their own failures are secondary to it). */
  async settle(): Promise<void> {
    this.connection.flush();
    await Promise.all(this.pages.map((p) => p.commit.promise.catch(() => undefined)));
    this.pages.length = 0;
  }
}

/** A page planned: the ids it writes and the start of its commit (statements handed to the connection). */
export interface PlannedPage {
  ids: readonly string[];
  commit: () => Promise<unknown>;
}

/** What `arrive` returns for a page that failed: the pages in flight commit, then `error` is thrown. */
export class PageFailure {
  constructor(readonly error: unknown) {}
}

export interface OrderedPagesOptions<C, P, Q> {
  connection: PipelineConnection;
  /** Where the first page is read. */
  first: C;
  /** Requests one page; resolves with what arrived (a failure is a value: `arrive` decides). */
  fetch: (cursor: C) => Promise<P>;
  /**
   * What arrived, before anything else is done with it: the page and the cursor of the page after it (null after the
   * last), or `new PageFailure(error)`: the pages in flight are committed, then `error` is thrown. May throw to stop at once (the
   * pages in flight then only settle).
   */
  arrive: (fetched: P) => { page: Q; next: C | null } | PageFailure;
  /**
   * The page's work (mapping, reading the stored rows, planning its statements), while the next page is requested.
   * `pages` is the pipeline: `holds` de-duplicates against the pages not committed yet, `makeRoom(ids)` waits for the
   * ones writing what this page reads. Its commit is handed over once fewer than `pagesInFlight` pages are in flight.
   */
  plan: (page: Q, next: C | null, pages: PagesInFlight) => Promise<PlannedPage>;
  /** False: each page commits before the next one is requested. Default true. */
  prefetch?: boolean;
  /** Checked before the next page is requested and after each page is handed over: true ends the pipeline there. */
  stopped?: () => boolean;
}

/**
 * Runs the pipeline to its last page (or until `stopped`), every page committed; throws the first failure after the
 * pages in flight and the request in flight have settled.
 */
export async function runOrderedPages<C, P, Q>(options: OrderedPagesOptions<C, P, Q>): Promise<void> {
  const prefetch = options.prefetch !== false;
  const pages = new PagesInFlight(options.connection);
  let pending: Promise<P> | null = options.fetch(options.first);
  try {
    for (;;) {
      const fetched: P = await pending!;
      pending = null;
      const arrived = options.arrive(fetched);
      if (arrived instanceof PageFailure) {
        await pages.drain();
        throw arrived.error;
      }
      const { page, next } = arrived;
      if (next !== null && prefetch && !options.stopped?.()) {
        pending = options.fetch(next);
        // Let the request leave now: the HTTP client sends it from the event loop, which this page's synchronous
        // work (mapping, hashing, reading the stored rows) would otherwise hold for tens of milliseconds, so every
        // page would wait for the previous one's work before it was even requested
        // (bench/RESULTS.md, "Figures behind choices in the code").
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const planned = await options.plan(page, next, pages);
      await pages.makeRoom(planned.ids);
      pages.hand(planned.commit(), planned.ids);
      if (next === null || options.stopped?.()) {
        await pages.drain();
        return;
      }
      if (!prefetch) {
        await pages.drain();
        pending = options.fetch(next);
      }
    }
  } catch (error) {
    // Nothing of this run is left in flight: the pages being committed settle, and the request in flight too (its
    // page is not applied).
    await pages.settle();
    await pending?.catch(() => undefined);
    throw error;
  }
}
