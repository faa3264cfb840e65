/** A promise and whether it has settled yet, readable without awaiting it. */
export interface Tracked<T> {
  readonly promise: Promise<T>;
  readonly settled: boolean;
}

/**
 * For pipelines that keep work in flight in order and must know, without waiting, whether the oldest piece is done
 * (a sync's pages, a findings pass's batches). Tracking also handles a rejection, so one that nobody awaits yet is not
 * reported as unhandled; whoever awaits `promise` later still gets it.
 */
export function trackSettled<T>(promise: Promise<T>): Tracked<T> {
  const tracked = { promise, settled: false };
  const settle = () => {
    tracked.settled = true;
  };
  promise.then(settle, settle);
  return tracked;
}
