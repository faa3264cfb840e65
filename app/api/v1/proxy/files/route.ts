import { NextResponse } from "next/server";
import { ApiError } from "@/lib/http/api-error";
import { adminRoute } from "@/lib/http/admin-route";
import { PROXY_FILE_MAX_BYTES, type ProxySource } from "@/lib/proxy/input";
import { readProxyFile } from "@/lib/proxy/read-proxy-file";
import { ProxyInputError } from "@/lib/proxy/types";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/proxy/files — one Application Proxy file as the request body (the file's own bytes, any content type),
 * its name in `X-File-Name` (URL-encoded). Streams it through lib/proxy's parser and answers what it holds:
 * `{ read: { summary, connectorEvents, exchanges } }` (failures only, bounded), or 422 `unreadable-file` naming the
 * line or entry. Stores nothing: the Proxy diagnostics page pairs the reads of all its files itself.
 */
export const POST = adminRoute({ role: "Reader" }, async (request) => {
  const rawName = request.headers.get("x-file-name") ?? "upload";
  let name: string;
  try {
    name = decodeURIComponent(rawName).slice(0, 260) || "upload";
  } catch {
    throw new ApiError(400, "invalid-header", "X-File-Name must be URL-encoded");
  }
  const length = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(length) && length > PROXY_FILE_MAX_BYTES) {
    throw new ApiError(413, "too-large", `${name} is larger than ${PROXY_FILE_MAX_BYTES / (1024 * 1024)} MB; capture a shorter window`);
  }
  const body = request.body;
  if (!body) throw new ApiError(400, "empty-body", `${name} is empty`);
  const source: ProxySource = {
    name,
    size: Number.isFinite(length) ? length : null,
    chunks: () => body as unknown as AsyncIterable<Uint8Array>,
  };
  try {
    const read = await readProxyFile(source);
    return NextResponse.json({ read }, { headers: { "cache-control": "no-store" } });
  } catch (e) {
    if (e instanceof ProxyInputError) throw new ApiError(422, "unreadable-file", e.message);
    throw e;
  }
});
