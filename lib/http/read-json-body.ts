import { ApiError } from "./api-error";

/**
 * Reading a JSON body without ever holding more than `maxBytes`, whichever server received it: a declared
 * Content-Length over the limit is refused before reading, and a body is cut off as soon as it passes the limit.
 */

/** What a JSON endpoint needs from a request's head. */
export interface JsonRequestHead {
  contentType: string | null;
  contentLength: string | null;
}

/** 413 before reading when the declared length is over the limit; 415 unless the body is declared JSON. */
export function checkJsonRequest(head: JsonRequestHead, maxBytes: number): void {
  const declared = Number(head.contentLength ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw bodyTooLarge(maxBytes);
  if (!/^application\/json\b/i.test(head.contentType ?? "")) {
    throw new ApiError(415, "unsupported-media-type", "Send the body as Content-Type: application/json");
  }
}

/**
 * Collects a body's chunks (a web stream, a Node request or stream), refusing it as soon as it passes `maxBytes` with
 * `tooLarge()` (413 by default; the CLI's own error for its inputs). Leaving the loop early destroys the stream.
 */
export async function readLimited(
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  maxBytes: number,
  tooLarge: () => Error = () => bodyTooLarge(maxBytes),
): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.byteLength === 0) throw new ApiError(400, "empty-body", "The request has no body");
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new ApiError(400, "invalid-json", `The body is not valid JSON: ${(error as Error).message}`);
  }
}

export function bodyTooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "payload-too-large", `The body is larger than ${maxBytes} bytes`, { maxBytes });
}
