/** Bytes of serialised pages the simulator keeps. */
export const PAGE_CACHE_BYTES = 128 * 1024 * 1024;

/** Byte-capped LRU of serialized pages: the bench re-reads the same pages many times. */
export class PageCache {
  private map = new Map<string, string>();
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}
  get(key: string): string | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: string): void {
    if (value.length > this.maxBytes) return;
    this.map.set(key, value);
    this.bytes += value.length;
    while (this.bytes > this.maxBytes) {
      const [oldestKey, oldest] = this.map.entries().next().value as [string, string];
      this.map.delete(oldestKey);
      this.bytes -= oldest.length;
    }
  }
}
