import "server-only";
/**
 * `POST /api/v1/reports`, independent of the server in front of it: the Next.js route handler
 * (app/api/v1/reports/route.ts) and the Node fast path of the production server (lib/http/node-fast-path.ts)
 * both call this, so there is one implementation of authentication, limits and ingestion.
 */
import { authenticateAgentToken, presentedTokenHash } from "@/lib/agent-tokens/authenticate-agent-token";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { ApiError } from "@/lib/http/api-error";
import type { ApiOutcome } from "@/lib/http/api-outcome";
import { checkJsonRequest, parseJsonBody, type JsonRequestHead } from "@/lib/http/read-json-body";
import { ingestReport } from "./ingest-report";
import { checkAuthFailureBudget, checkByteBudget, consumeByteBudget, consumeUploadBudget, recordAuthFailure, type RateLimitVerdict } from "./rate-limit";

export interface UploadRequest extends JsonRequestHead {
  authorization: string | null;
  /** The client's address (lib/http/client-address.ts), which failed authentications are counted against. */
  clientAddress: string;
  /** Reads the body, throwing ApiError 413 as soon as it passes `maxBytes`. */
  readBody(maxBytes: number): Promise<Buffer>;
}

/**
 * Throws ApiError for every refusal (429 for a client over its failed-authentication budget, 401, 429 for a token
 * over its upload budget, 413, 415, 400); a refused upload changes nothing.
 */
export async function uploadReport(request: UploadRequest): Promise<ApiOutcome> {
  const failures = await checkAuthFailureBudget(request.clientAddress);
  if (!failures.allowed) {
    throw new ApiError(429, "too-many-failed-authentications", `Too many failed authentications from this address; retry in ${failures.retryAfterSeconds} s`, undefined, {
      "Retry-After": String(failures.retryAfterSeconds),
    });
  }
  // A token that has sent its budget of bytes is refused before it is looked up (the budget is keyed by its hash,
  // and only ever spent by a token that authenticated), so a token sending large bodies back to back costs no query.
  const tokenKey = presentedTokenHash(request.authorization);
  const declared = Number(request.contentLength ?? "NaN");
  if (tokenKey) refuseOverVolume(await checkByteBudget(tokenKey, Number.isFinite(declared) ? declared : null));
  const auth = await authenticateAgentToken(directDb(), request.authorization);
  if (!auth.ok) {
    await recordAuthFailure(request.clientAddress);
    throw new ApiError(401, auth.error.code, auth.error.message, undefined, { "WWW-Authenticate": 'Bearer realm="joinscope-agent"' });
  }
  const budget = await consumeUploadBudget(auth.agent.tokenId);
  if (!budget.allowed) {
    throw new ApiError(429, "rate-limited", `Too many uploads for this token; retry in ${budget.retryAfterSeconds} s`, undefined, {
      "Retry-After": String(budget.retryAfterSeconds),
    });
  }
  const maxBytes = config.JOINSCOPE_INGEST_MAX_BYTES;
  checkJsonRequest(request, maxBytes);
  // The token's byte budget, checked above against the declared length, is spent before parsing: a body without a
  // declared length that does not fit is refused before it costs any parsing.
  const bytes = await request.readBody(maxBytes);
  refuseOverVolume(await consumeByteBudget(tokenKey!, bytes.byteLength));
  const body = parseJsonBody(bytes);
  const result = await ingestReport(db, { agent: auth.agent, body });
  if (!result.ok) throw new ApiError(400, result.error.code, result.error.message, result.error.details);
  const { report } = result;
  return {
    status: report.duplicate ? 200 : 201,
    headers: {},
    body: { reportId: report.reportId, deviceId: report.deviceId, joinType: report.joinType, duplicate: report.duplicate, findings: report.findings },
  };
}

function refuseOverVolume(verdict: RateLimitVerdict): void {
  if (verdict.allowed) return;
  throw new ApiError(429, "upload-volume-exceeded", `This token is sending upload data faster than its budget allows; retry in ${verdict.retryAfterSeconds} s`, undefined, {
    "Retry-After": String(verdict.retryAfterSeconds),
  });
}
