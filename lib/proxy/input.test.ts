/**
 * The streamed text under every parser: decoding (StringDecoder in ≤ 64 KB pieces, UTF-16 either way round, the BOM
 * dropped) must give the same text whatever size and boundaries the source's chunks have, and lines must come out
 * the same when a line, a CRLF or a character is cut between chunks.
 */
import { describe, expect, it } from "vitest";
import { lineBatches, PROXY_READ_CHUNK_BYTES, type ProxySource, readAllBytes, type TextEncoding, textChunks } from "./input";

/** The bytes as a source whose chunks are the given sizes, round and round (odd sizes cut characters in two). */
function chunked(bytes: Uint8Array, sizes: number[]): ProxySource {
  return {
    name: "test.log",
    size: bytes.byteLength,
    async *chunks() {
      let k = 0;
      for (let at = 0; at < bytes.byteLength; k++) {
        const next = Math.min(bytes.byteLength, at + sizes[k % sizes.length]!);
        yield bytes.subarray(at, next);
        at = next;
      }
    },
  };
}

async function decode(source: ProxySource, encoding: TextEncoding): Promise<string[]> {
  const out: string[] = [];
  for await (const t of textChunks(source, encoding, 1 << 30)) out.push(t);
  return out;
}

function utf16be(text: string): Buffer {
  return Buffer.from(text, "utf16le").swap16();
}

const TEXT = `AadAppProxyConnector Error: 0 : Ünïcødé ✓ 𝔘 https://app01:8443/ü\r\n${"x".repeat(300)}\r\nlast line ✓`;

describe("textChunks", () => {
  it.each([
    ["utf-8", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, "utf8")])],
    ["utf-16le", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, "utf16le")])],
    ["utf-16be", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TEXT)])],
  ] as const)("%s: the same text, BOM dropped, whatever the chunks' sizes", async (encoding, bytes) => {
    for (const sizes of [[bytes.byteLength], [1], [3, 1, 2], [7], [64, 5]]) {
      expect((await decode(chunked(bytes, sizes), encoding)).join("")).toBe(TEXT);
    }
  });

  it("plain Uint8Array chunks, as an upload's body stream yields them, decode the same", async () => {
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TEXT)]);
    const source: ProxySource = {
      name: "upload.log",
      size: null,
      async *chunks() {
        for (let at = 0; at < bytes.byteLength; at += 5) yield new Uint8Array(bytes.subarray(at, at + 5));
      },
    };
    expect((await decode(source, "utf-16be")).join("")).toBe(TEXT);
    const utf8 = Buffer.from(TEXT, "utf8");
    expect(
      (
        await decode(
          {
            ...source,
            chunks: async function* () {
              for (let at = 0; at < utf8.byteLength; at += 3) yield new Uint8Array(utf8.subarray(at, at + 3));
            },
          },
          "utf-8",
        )
      ).join(""),
    ).toBe(TEXT);
  });

  it("decodes a large source chunk in pieces of at most 64 KB of bytes", async () => {
    const bytes = Buffer.from("abcdefgh\n".repeat(40_000));
    const pieces = await decode(chunked(bytes, [bytes.byteLength]), "utf-8");
    expect(pieces.join("")).toBe(bytes.toString("utf8"));
    expect(pieces.length).toBe(Math.ceil(bytes.byteLength / PROXY_READ_CHUNK_BYTES));
    expect(Math.max(...pieces.map((p) => p.length))).toBe(PROXY_READ_CHUNK_BYTES);
  });

  it("a UTF-16 file cut after an odd byte ends in U+FFFD, either way round", async () => {
    const le = Buffer.from("ab\n", "utf16le").subarray(0, 5);
    const be = utf16be("ab\n").subarray(0, 5);
    expect((await decode(chunked(le, [2, 3]), "utf-16le")).join("")).toBe("ab\ufffd");
    expect((await decode(chunked(be, [3]), "utf-16be")).join("")).toBe("ab\ufffd");
  });

  it("malformed UTF-8 becomes U+FFFD, a character cut between chunks does not", async () => {
    const bytes = Buffer.concat([Buffer.from("é ", "utf8"), Buffer.from([0xff]), Buffer.from(" ✓", "utf8")]);
    expect((await decode(chunked(bytes, [1]), "utf-8")).join("")).toBe("é \ufffd ✓");
  });
});

describe("lineBatches", () => {
  async function lines(chunks: string[]): Promise<{ text: string; n: number }[]> {
    const out: { text: string; n: number }[] = [];
    async function* source() {
      yield* chunks;
    }
    for await (const batch of lineBatches("test.log", source())) batch.lines.forEach((text, i) => out.push({ text, n: batch.first + i }));
    return out;
  }

  it("joins a line cut between chunks, strips CR even when the CRLF is cut, and numbers lines", async () => {
    expect(await lines(["first li", "ne\r", "\nsec", "o", "nd\r\nthird\n\nfifth"])).toEqual([
      { text: "first line", n: 1 },
      { text: "second", n: 2 },
      { text: "third", n: 3 },
      { text: "", n: 4 },
      { text: "fifth", n: 5 },
    ]);
  });

  it("a line longer than 1 MB over many chunks is an error naming it", async () => {
    await expect(lines(["ok\n", ...Array.from({ length: 20 }, () => "y".repeat(64 * 1024))])).rejects.toThrow(
      "test.log: line 2 is longer than 1 MB: not a text log",
    );
  });
});

describe("readAllBytes", () => {
  const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));

  it.each([
    ["its size known", bytes.byteLength],
    ["no size", null],
    ["a size smaller than it is", 1000],
    ["a size larger than it is", 400_000],
  ])("the whole source, in order, with %s", async (_, size) => {
    const source = { ...chunked(bytes, [65_536, 1, 40_000]), size };
    expect(Buffer.compare(await readAllBytes(source, 1 << 20), bytes)).toBe(0);
  });

  it("fails past the limit", async () => {
    await expect(readAllBytes({ ...chunked(bytes, [65_536]), size: null }, 200_000)).rejects.toThrow("test.log: larger than 0 MB");
  });
});
