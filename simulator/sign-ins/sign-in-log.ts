import type { SimSignIn } from "./sim-sign-in";

/**
 * A tenant's sign-in log: append-only, served newest first as Graph serves it
 * (https://learn.microsoft.com/graph/api/signin-list: "listed in descending order based on createdDateTime"). A page
 * token names the log's version (its length when the first page was served), so a list keeps paging through the
 * events that existed then while tests add new ones.
 */
export class SignInLog {
  private records: SimSignIn[] = [];
  private times: number[] = [];
  /** Indexes into records, newest first (ties by id), for the current version. */
  private order: Int32Array = new Int32Array(0);
  private sorted = true;
  private filtered = new Map<string, Int32Array>();

  constructor(initial: readonly SimSignIn[] = []) {
    this.add(initial);
  }

  get version(): number {
    return this.records.length;
  }

  add(signIns: readonly SimSignIn[]): void {
    for (const s of signIns) {
      const ms = Date.parse(s.createdDateTime);
      if (Number.isNaN(ms)) throw new Error(`sign-in ${s.id}: createdDateTime is not a date`);
      this.records.push(s);
      this.times.push(ms);
    }
    if (signIns.length) {
      this.sorted = false;
      this.filtered.clear();
    }
  }

  get(index: number): SimSignIn {
    return this.records[index]!;
  }

  timeOf(index: number): number {
    return this.times[index]!;
  }

  /** Every event of `version` that passes `test`, newest first, cached by `key` (the filter's text). */
  select(version: number, key: string, test: (s: SimSignIn, ms: number) => boolean): Int32Array {
    const cacheKey = `${version}|${key}`;
    const cached = this.filtered.get(cacheKey);
    if (cached) return cached;
    const order = this.newestFirst();
    const out: number[] = [];
    for (let i = 0; i < order.length; i++) {
      const index = order[i]!;
      if (index >= version) continue;
      if (test(this.records[index]!, this.times[index]!)) out.push(index);
    }
    const result = Int32Array.from(out);
    this.filtered.set(cacheKey, result);
    if (this.filtered.size > 32) this.filtered.delete(this.filtered.keys().next().value as string);
    return result;
  }

  private newestFirst(): Int32Array {
    if (!this.sorted) {
      const order = Int32Array.from(this.records.keys());
      order.sort((a, b) => this.times[b]! - this.times[a]! || (this.records[a]!.id < this.records[b]!.id ? -1 : 1));
      this.order = order;
      this.sorted = true;
    }
    return this.order;
  }
}
