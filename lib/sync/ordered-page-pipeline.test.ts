import { describe, expect, it } from "vitest";
import { PageFailure, runOrderedPages, type PipelineConnection } from "./ordered-page-pipeline";

/** A connection whose commits the test settles by hand, in the order they were handed over. */
function manualConnection(pagesInFlight: number) {
  const commits: { page: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let flushes = 0;
  const connection: PipelineConnection = { pagesInFlight, flush: () => void flushes++ };
  return {
    connection,
    commits,
    get flushes() {
      return flushes;
    },
    commit(page: number): Promise<void> {
      return new Promise<void>((resolve, reject) => commits.push({ page, resolve, reject }));
    },
  };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Pages 0..n-1, each naming the ids it writes; a page's cursor is its number. */
function pages(ids: string[][]) {
  return { fetch: async (n: number) => ({ n, ids: ids[n]! }), last: ids.length - 1 };
}

describe("runOrderedPages", () => {
  it("requests each next page as soon as a page arrives and commits the pages in order, at most pagesInFlight at once", async () => {
    const c = manualConnection(2);
    const source = pages([["a"], ["b"], ["c"], ["d"]]);
    const fetched: number[] = [];
    const planned: number[] = [];
    const done = runOrderedPages({
      connection: c.connection,
      first: 0,
      fetch: (n: number) => (fetched.push(n), source.fetch(n)),
      arrive: (p) => ({ page: p, next: p.n < source.last ? p.n + 1 : null }),
      plan: async (p) => (planned.push(p.n), { ids: p.ids, commit: () => c.commit(p.n) }),
    });
    for (let i = 0; i < 10; i++) await tick();
    // Two pages in flight, the third planned and waiting for room, the fourth already requested.
    expect(c.commits.map((x) => x.page)).toEqual([0, 1]);
    expect(planned).toEqual([0, 1, 2]);
    expect(fetched).toEqual([0, 1, 2, 3]);
    expect(c.flushes).toBe(1);
    c.commits[0]!.resolve();
    for (let i = 0; i < 10; i++) await tick();
    expect(c.commits.map((x) => x.page)).toEqual([0, 1, 2]);
    for (let k = 1; k < 4; k++) {
      for (let i = 0; i < 10; i++) await tick();
      c.commits[k]?.resolve();
    }
    await done;
    expect(c.commits.map((x) => x.page)).toEqual([0, 1, 2, 3]);
  });

  it("tells a page which ids the pages in flight write (holds), and makeRoom waits for the one writing an id it reads", async () => {
    const c = manualConnection(8);
    const source = pages([["a", "b"], ["c"], ["b"]]);
    const held: boolean[] = [];
    const done = runOrderedPages({
      connection: c.connection,
      first: 0,
      fetch: source.fetch,
      arrive: (p) => ({ page: p, next: p.n < source.last ? p.n + 1 : null }),
      plan: async (p, _next, inFlight) => {
        held.push(inFlight.holds("b"));
        if (p.n === 2) await inFlight.makeRoom(["b"]);
        return { ids: p.ids, commit: () => c.commit(p.n) };
      },
    });
    for (let i = 0; i < 10; i++) await tick();
    // Page 2 reads "b", which page 0 (in flight) writes: it waits for page 0's commit, not for page 1's.
    expect(held).toEqual([false, true, true]);
    expect(c.commits.map((x) => x.page)).toEqual([0, 1]);
    c.commits[0]!.resolve();
    for (let i = 0; i < 10; i++) await tick();
    expect(c.commits.map((x) => x.page)).toEqual([0, 1, 2]);
    c.commits[1]!.resolve();
    c.commits[2]!.resolve();
    await done;
  });

  it("a failed page: the pages before it commit, then its failure is thrown", async () => {
    const c = manualConnection(8);
    const source = pages([["a"], ["b"], ["x"]]);
    const done = runOrderedPages({
      connection: c.connection,
      first: 0,
      fetch: source.fetch,
      arrive: (p) => (p.n === 2 ? new PageFailure(new Error("throttled")) : { page: p, next: p.n + 1 }),
      plan: async (p) => ({ ids: p.ids, commit: () => c.commit(p.n) }),
    });
    let settled = false;
    void done.catch(() => (settled = true));
    for (let i = 0; i < 10; i++) await tick();
    expect(settled).toBe(false);
    c.commits[0]!.resolve();
    c.commits[1]!.resolve();
    await expect(done).rejects.toThrow("throttled");
    expect(c.commits.map((x) => x.page)).toEqual([0, 1]);
  });

  it("a failed commit fails the run once the pages in flight and the request in flight have settled", async () => {
    const c = manualConnection(2);
    let requestSettled = false;
    const done = runOrderedPages({
      connection: c.connection,
      first: 0,
      fetch: (n: number) =>
        new Promise<{ n: number; ids: string[] }>((resolve) =>
          n < 2 ? resolve({ n, ids: [String(n)] }) : setTimeout(() => ((requestSettled = true), resolve({ n, ids: [] })), 30),
        ),
      arrive: (p) => ({ page: p, next: p.n + 1 }),
      plan: async (p) => ({ ids: p.ids, commit: () => c.commit(p.n) }),
    });
    for (let i = 0; i < 10; i++) await tick();
    // The writer refuses the pages behind a failed one (lib/sync/open-sync-connection.ts: stopAfterFailure).
    c.commits[0]!.reject(new Error("disk full"));
    c.commits[1]!.reject(new Error("refused after a failed page"));
    await expect(done).rejects.toThrow("disk full");
    expect(requestSettled).toBe(true);
    expect(c.flushes).toBeGreaterThan(0);
  });

  it("stopped: no next page is requested, and the pages handed over commit", async () => {
    const c = manualConnection(8);
    let stop = false;
    const fetched: number[] = [];
    const done = runOrderedPages({
      connection: c.connection,
      first: 0,
      fetch: async (n: number) => (fetched.push(n), { n, ids: [String(n)] }),
      stopped: () => stop,
      arrive: (p) => ({ page: p, next: p.n + 1 }),
      plan: async (p) => {
        if (p.n === 1) stop = true;
        return { ids: p.ids, commit: () => c.commit(p.n) };
      },
    });
    for (let i = 0; i < 10; i++) await tick();
    // Page 2 was requested when page 1 arrived (before it was found stopped); it is not applied.
    expect(fetched).toEqual([0, 1, 2]);
    c.commits.forEach((x) => x.resolve());
    await done;
    expect(c.commits.map((x) => x.page)).toEqual([0, 1]);
  });

  it("prefetch false: each page commits before the next is requested", async () => {
    const c = manualConnection(8);
    const fetched: number[] = [];
    const done = runOrderedPages({
      connection: c.connection,
      first: 0,
      prefetch: false,
      fetch: async (n: number) => (fetched.push(n), { n, ids: [] as string[] }),
      arrive: (p) => ({ page: p, next: p.n < 1 ? p.n + 1 : null }),
      plan: async (p) => ({ ids: p.ids, commit: () => c.commit(p.n) }),
    });
    for (let i = 0; i < 10; i++) await tick();
    expect(fetched).toEqual([0]);
    c.commits[0]!.resolve();
    for (let i = 0; i < 10; i++) await tick();
    expect(fetched).toEqual([0, 1]);
    c.commits[1]!.resolve();
    await done;
  });
});
