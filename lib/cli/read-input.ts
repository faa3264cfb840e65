import { createReadStream } from "node:fs";
import { readLimited } from "@/lib/http/read-json-body";
import { CliError } from "./cli-error";

/** What each command accepts, in bytes: a larger input is refused before it is read whole. */
export const CLI_INPUT_LIMITS = {
  /** A dsregcmd /status report: the upload API's own bound (lib/reports/parse-dsregcmd.ts DEFAULT_MAX_BYTES). */
  report: 512 * 1024,
  /** A sign-in, a page of sign-ins (Graph gives at most 1,000 a page, a few KB each) or a device object as JSON. */
  json: 32 * 1024 * 1024,
  /** A password or a client secret on standard input. */
  secret: 64 * 1024,
  /** A certificate or private key in PEM. */
  pem: 1024 * 1024,
} as const;

function describe(path: string): string {
  return path === "-" ? "standard input" : path;
}

function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return bytes >= 1024 ? `${+(bytes / 1024).toFixed(1)} KB` : `${bytes} bytes`;
}

/**
 * Reads a file argument as bytes, at most `maxBytes` of them; `-` reads standard input. Bytes, so the parser can
 * detect UTF-16LE. The bound applies as the bytes arrive: an endless or huge input (a device's whole disk piped in
 * by mistake) is refused with a clear error after `maxBytes`, not read into memory first.
 */
export async function readInput(path: string, maxBytes: number, stdin: AsyncIterable<Uint8Array> = process.stdin): Promise<Buffer> {
  const stream: AsyncIterable<Uint8Array> = path === "-" ? stdin : createReadStream(path, { highWaterMark: 64 * 1024 });
  try {
    return await readLimited(stream, maxBytes, () => new CliError(`${describe(path)}: larger than ${sizeText(maxBytes)}, the most this command reads`));
  } catch (e) {
    if (e instanceof CliError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new CliError(`cannot read ${describe(path)}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
  }
}

/** A secret typed or piped on standard input (never an argument: it would land in shell history and `ps`). */
export async function readSecret(stdin: AsyncIterable<Uint8Array> = process.stdin): Promise<string> {
  return (await readInput("-", CLI_INPUT_LIMITS.secret, stdin)).toString("utf8");
}
