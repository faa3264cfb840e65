/**
 * The bytes of one batch of an export, written row by row (decision 033). A row's text is put together as a string
 * and written here at once as UTF-8, so the string dies young: a batch's text is never one long chain of joined
 * pieces held until the batch ends (such a chain outlives the young generation's collections and is promoted, which
 * grew the server by 100+ MB during a findings export). `take` hands the bytes on and starts the next batch in a new
 * Buffer (the consumer may still hold the last), sized from the last batch's.
 */
export class BatchBuffer {
  private buffer: Buffer;
  private length = 0;

  constructor(private readonly initial = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initial);
  }

  write(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.length + text.length * 3 > this.buffer.length) this.grow(this.length + text.length * 3);
    this.length += this.buffer.write(text, this.length, "utf8");
  }

  get size(): number {
    return this.length;
  }

  /** The bytes written since the last take. */
  take(): Buffer {
    const bytes = this.buffer.subarray(0, this.length);
    this.buffer = Buffer.allocUnsafe(Math.max(this.initial, Math.ceil(this.length * 1.25)));
    this.length = 0;
    return bytes;
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }
}
