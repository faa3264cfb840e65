import { ApiError } from "./api-error";

/**
 * Reads a JSON body without ever holding more than `maxBytes`: a declared Content-Length over the limit
 * is refused before reading, and a chunked body is cut off as soon as it passes the limit.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const tooLarge = () =>
    new ApiError(413, "payload-too-large", `The body is larger than ${maxBytes} bytes`, { maxBytes });
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, "unsupported-media-type", "Send the report as Content-Type: application/json");
  }
  if (!request.body) throw new ApiError(400, "empty-body", "The request has no body");

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, "invalid-json", `The body is not valid JSON: ${(error as Error).message}`);
  }
}
