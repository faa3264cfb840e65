import { describe, expect, it } from "vitest";
import { CliError } from "./cli-error";
import { CLI_INPUT_LIMITS, readInput, readSecret } from "./read-input";

async function* chunks(sizes: number[], fill = 0x61): AsyncIterable<Uint8Array> {
  for (const size of sizes) yield Buffer.alloc(size, fill);
}

/** A producer that never ends, counting what was taken from it. */
function endless(chunkSize: number): { stream: AsyncIterable<Uint8Array>; taken: () => number } {
  let taken = 0;
  return {
    stream: (async function* () {
      for (;;) {
        taken += chunkSize;
        yield Buffer.alloc(chunkSize, 0x61);
      }
    })(),
    taken: () => taken,
  };
}

describe("readInput", () => {
  it("reads standard input up to and including the bound, as one buffer of every chunk in order", async () => {
    const bytes = await readInput(
      "-",
      10,
      (async function* () {
        yield Buffer.from("abc");
        yield Buffer.from("defghij");
      })(),
    );
    expect(bytes.toString()).toBe("abcdefghij");
  });

  it("refuses one byte over the bound, naming standard input and the bound", async () => {
    await expect(readInput("-", 10, chunks([6, 5]))).rejects.toThrow(new CliError("standard input: larger than 10 bytes, the most this command reads"));
    await expect(readInput("-", 512 * 1024, chunks([512 * 1024, 1]))).rejects.toThrow("standard input: larger than 512 KB, the most this command reads");
    await expect(readInput("-", 32 * 1024 * 1024, chunks([32 * 1024 * 1024 + 1]))).rejects.toThrow("larger than 32 MB");
  });

  it("stops reading an endless producer at the first chunk past the bound", async () => {
    const producer = endless(64 * 1024);
    await expect(readInput("-", 1024 * 1024, producer.stream)).rejects.toBeInstanceOf(CliError);
    expect(producer.taken()).toBe(1024 * 1024 + 64 * 1024);
  });

  it("names a missing file plainly", async () => {
    await expect(readInput("/nonexistent/report.txt", 1024)).rejects.toThrow(new CliError("cannot read /nonexistent/report.txt: no such file"));
  });
});

describe("readSecret", () => {
  it("reads a secret of up to 64 KB and refuses a longer one", async () => {
    expect(CLI_INPUT_LIMITS.secret).toBe(64 * 1024);
    expect(await readSecret(chunks([64 * 1024], 0x62))).toBe("b".repeat(64 * 1024));
    await expect(readSecret(chunks([64 * 1024, 1]))).rejects.toThrow("standard input: larger than 64 KB");
  });
});
