import * as zlib from "node:zlib";

/**
 * The few parts of a ZIP archive (PKWARE APPNOTE 6.3) an XLSX needs, written as bytes in order so that the archive
 * can be streamed: small parts whole (their size and CRC known), one large part streamed through a raw deflate
 * stream with its CRC and sizes in a data descriptor after it (general-purpose flag bit 3), then the central
 * directory. No Zip64: a part or the archive past 4 GiB − 1 is refused (Excel reads an XLSX's 1,048,576 rows at
 * most, far under that for the exports' rows), so nothing here writes the Zip64 fields that some readers mishandle.
 * The deflate is node:zlib's; this module only frames it. Used by lib/export/write-xlsx.ts (decision 033).
 */

const LIMIT = 0xffff_ffff;

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 as ZIP uses it, continued from `previous`: node:zlib's (Node 20.15+), else a table in JavaScript. */
export const crc32: (data: Uint8Array, previous?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === "function"
    ? (data, previous = 0) => (zlib as unknown as { crc32(d: Uint8Array, v: number): number }).crc32(data, previous)
    : crc32Js;

export function crc32Js(data: Uint8Array, previous = 0): number {
  let c = ~previous;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

interface Entry {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  flags: number;
}

/** MS-DOS date and time of `when` (local fields as UTC: ZIP has no zone; seconds halved). */
function dosDateTime(when: Date): { time: number; date: number } {
  return {
    time: (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | (when.getUTCSeconds() >> 1),
    date: ((when.getUTCFullYear() - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate(),
  };
}

export class ZipWriter {
  private offset = 0;
  private readonly entries: Entry[] = [];
  private readonly stamp: { time: number; date: number };

  constructor(now = new Date()) {
    this.stamp = dosDateTime(now);
  }

  /** A small part, deflated at once: its local header and data. */
  file(name: string, data: Buffer | string): Buffer {
    const raw = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    const deflated = zlib.deflateRawSync(raw, { level: 6 });
    const entry: Entry = { name: Buffer.from(name, "utf8"), crc: crc32(raw), compressed: deflated.length, size: raw.length, offset: this.offset, flags: 0 };
    const header = this.localHeader(entry);
    return this.advance(entry, Buffer.concat([header, deflated]));
  }

  /** The local header of a part whose deflated bytes follow as they are made; `endStreamed` closes it. */
  startStreamed(name: string): Buffer {
    const entry: Entry = { name: Buffer.from(name, "utf8"), crc: 0, compressed: 0, size: 0, offset: this.offset, flags: 0x08 };
    this.entries.push(entry);
    const header = this.localHeader(entry);
    this.offset += header.length;
    return header;
  }

  /** Counts deflated bytes of the streamed part as they are handed on. */
  streamed(bytes: number): void {
    this.offset += bytes;
    this.check(this.offset);
  }

  /** The streamed part's data descriptor: its CRC and sizes, known now. */
  endStreamed(crc: number, compressed: number, size: number): Buffer {
    const entry = this.entries[this.entries.length - 1]!;
    this.check(size);
    Object.assign(entry, { crc, compressed, size });
    const d = Buffer.alloc(16);
    d.writeUInt32LE(0x08074b50, 0);
    d.writeUInt32LE(crc >>> 0, 4);
    d.writeUInt32LE(compressed, 8);
    d.writeUInt32LE(size, 12);
    this.offset += d.length;
    return d;
  }

  /** The central directory and its end record: the archive's last bytes. */
  finish(): Buffer {
    const start = this.offset;
    const records = this.entries.map((e) => {
      const r = Buffer.alloc(46 + e.name.length);
      r.writeUInt32LE(0x02014b50, 0);
      r.writeUInt16LE(20, 4); // made by: version 2.0, MS-DOS attributes
      r.writeUInt16LE(20, 6); // needed to extract: 2.0 (deflate)
      r.writeUInt16LE(e.flags, 8);
      r.writeUInt16LE(8, 10); // deflate
      r.writeUInt16LE(this.stamp.time, 12);
      r.writeUInt16LE(this.stamp.date, 14);
      r.writeUInt32LE(e.crc >>> 0, 16);
      r.writeUInt32LE(e.compressed, 20);
      r.writeUInt32LE(e.size, 24);
      r.writeUInt16LE(e.name.length, 28);
      // extra, comment, disk, internal and external attributes: 0
      r.writeUInt32LE(e.offset, 42);
      e.name.copy(r, 46);
      return r;
    });
    const directory = Buffer.concat(records);
    this.check(start + directory.length);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(start, 16);
    return Buffer.concat([directory, end]);
  }

  private localHeader(e: Entry): Buffer {
    const h = Buffer.alloc(30 + e.name.length);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(e.flags, 6);
    h.writeUInt16LE(8, 8);
    h.writeUInt16LE(this.stamp.time, 10);
    h.writeUInt16LE(this.stamp.date, 12);
    // A streamed part's CRC and sizes are 0 here and in its data descriptor after the data.
    h.writeUInt32LE(e.flags & 0x08 ? 0 : e.crc >>> 0, 14);
    h.writeUInt32LE(e.flags & 0x08 ? 0 : e.compressed, 18);
    h.writeUInt32LE(e.flags & 0x08 ? 0 : e.size, 22);
    h.writeUInt16LE(e.name.length, 26);
    e.name.copy(h, 30);
    return h;
  }

  private advance(entry: Entry, bytes: Buffer): Buffer {
    this.entries.push(entry);
    this.offset += bytes.length;
    this.check(this.offset);
    return bytes;
  }

  private check(bytes: number): void {
    if (bytes > LIMIT) throw new Error("the export is larger than a ZIP without Zip64 holds (4 GiB); export a filtered list");
  }
}
