import "server-only";
/**
 * Routes that the production server (scripts/serve.mjs) answers on plain Node HTTP, before Next.js routing.
 * Only `POST /api/v1/reports` is here: a fleet's agents call it thousands of times a minute, and Next.js's
 * per-request routing cost was more than the ingestion itself (decision 005, docs/decisions/005-upload-fast-path.md,
 * has the figures). The behaviour is the same as the route handler's: both call uploadReport.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { uploadReport } from "@/lib/ingest/upload-endpoint";
import { ApiError } from "@/lib/http/api-error";
import { errorOutcome, type ApiOutcome } from "@/lib/http/api-outcome";
import { clientAddress } from "@/lib/http/client-address";
import { transportSecurityHeaders } from "@/lib/http/public-origin";
import { bodyTooLarge } from "@/lib/http/read-json-body";
import { NON_PAGE_CONTENT_SECURITY_POLICY, STATIC_SECURITY_HEADERS } from "@/lib/http/security-headers";

/** The headers next.config.ts and apiHandler give the same path under Next.js: a JSON answer runs nothing. */
const SECURITY_HEADERS = { ...STATIC_SECURITY_HEADERS, "Content-Security-Policy": NON_PAGE_CONTENT_SECURITY_POLICY };

export type FastPathHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Answers the request and returns true when it is a fast-path route; returns false to let Next.js handle it. */
export const handleFastPath: FastPathHandler = (req, res) => {
  if (req.method !== "POST" || pathOf(req.url) !== "/api/v1/reports") return false;
  const requestId = headerValue(req, "x-request-id")?.slice(0, 64) || randomUUID();
  uploadReport({
    authorization: headerValue(req, "authorization"),
    clientAddress: clientAddress({ remoteAddress: req.socket.remoteAddress, forwardedFor: headerValue(req, "x-forwarded-for") }),
    contentType: headerValue(req, "content-type"),
    contentLength: headerValue(req, "content-length"),
    readBody: (maxBytes) => readNodeBody(req, maxBytes),
  })
    .catch((error: unknown) => errorOutcome(error, { requestId, method: "POST", path: "/api/v1/reports" }))
    .then((outcome) => send(req, res, outcome, requestId))
    // Nothing may escape as an unhandled rejection (it would stop the server): a response that cannot be written
    // (the client went away) just closes the connection.
    .catch(() => res.destroy());
  return true;
};

function send(req: IncomingMessage, res: ServerResponse, outcome: ApiOutcome, requestId: string): void {
  const body = JSON.stringify(outcome.body);
  // A body left unread (refused before or while reading) is not drained: the connection closes after the answer.
  const unread = !req.complete;
  res.writeHead(outcome.status, {
    ...SECURITY_HEADERS,
    ...transportSecurityHeaders({ get: (name) => headerValue(req, name) }),
    ...outcome.headers,
    "x-request-id": requestId,
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    ...(unread ? { Connection: "close" } : {}),
  });
  res.end(body, () => {
    if (unread) req.destroy();
  });
}

function readNodeBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        cleanup();
        req.pause();
        reject(bodyTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // A client that goes away mid-body: nothing was stored, and the promise must not wait forever.
    const onClose = () => {
      if (req.complete) return;
      cleanup();
      reject(new ApiError(400, "incomplete-body", "The connection closed before the whole body arrived; nothing was stored"));
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function pathOf(url: string | undefined): string {
  const q = url?.indexOf("?") ?? -1;
  return q === -1 ? (url ?? "") : url!.slice(0, q);
}
