import { readFile } from "node:fs/promises";

/** Reads a file argument as bytes; `-` reads standard input. Bytes, so the parser can detect UTF-16LE. */
export async function readInput(path: string): Promise<Buffer> {
  if (path === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  return readFile(path);
}
