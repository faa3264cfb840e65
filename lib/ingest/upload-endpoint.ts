import "server-only";
/**
 * `POST /api/v1/reports`, independent of the server in front of it: the Next.js route handler
 * (app/api/v1/reports/route.ts) and the Node fast path of the production server (lib/ingest/node-fast-path.ts)
 * both call this, so there is one implementation of authentication, limits and ingestion.
 */
import { authenticateAgent } from "@/lib/agent-devices/authenticate-agent";
import { presentedTokenHash } from "@/lib/agent-tokens/authenticate-agent-token";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import type { AgentRequest } from "@/lib/http/agent-request";
import { ApiError } from "@/lib/http/api-error";
import type { ApiOutcome } from "@/lib/http/api-outcome";
import { checkJsonRequest, parseJsonBody } from "@/lib/http/read-json-body";
import { refuseAuthentication, refuseClientOverFailureBudget, tooManyRequests } from "./auth-failure-guard";
import { ingestReport } from "./ingest-report";
import { checkByteBudget, consumeByteBudget, consumeUploadBudget, type RateLimitVerdict } from "./rate-limit";

export type UploadRequest = AgentRequest;

/**
 * Throws ApiError for every refusal (429 for a client over its failed-authentication budget, 401, 429 for a device or
 * token over its upload budget, 413, 415, 400, 403 for a report about another host than the device enrolled as); a
 * refused upload changes nothing.
 */
export async function uploadReport(request: UploadRequest): Promise<ApiOutcome> {
  await refuseClientOverFailureBudget(request.clientAddress);
  // A credential that has sent its budget of bytes is refused before it is looked up (the budget is keyed by its hash,
  // and only ever spent by a credential that authenticated), so one sending large bodies back to back costs no query.
  const credentialKey = presentedTokenHash(request.authorization);
  const declared = Number(request.contentLength ?? "NaN");
  if (credentialKey) refuseOverVolume(await checkByteBudget(credentialKey, Number.isFinite(declared) ? declared : null));
  const auth = await authenticateAgent(directDb(), request.authorization);
  if (!auth.ok) return refuseAuthentication(request.clientAddress, auth.error);
  const { agent } = auth;
  // Per enrolled device; per token for direct uploads (decision 011).
  const budget = await consumeUploadBudget(agent.device ? `d:${agent.device.id}` : `t:${agent.tokenId}`);
  if (!budget.allowed) throw tooManyRequests("rate-limited", `Too many uploads for this ${agent.device ? "device" : "token"}`, budget.retryAfterSeconds);
  const maxBytes = config.JOINSCOPE_INGEST_MAX_BYTES;
  checkJsonRequest(request, maxBytes);
  // The byte budget, checked above against the declared length, is spent before parsing: a body without a declared
  // length that does not fit is refused before it costs any parsing.
  const bytes = await request.readBody(maxBytes);
  refuseOverVolume(await consumeByteBudget(credentialKey!, bytes.byteLength));
  const body = parseJsonBody(bytes);
  const result = await ingestReport(db, { agent, body });
  if (!result.ok) throw new ApiError(result.error.code === "hostname-mismatch" ? 403 : 400, result.error.code, result.error.message, result.error.details);
  const { report } = result;
  return {
    status: report.duplicate ? 200 : 201,
    headers: {},
    body: {
      reportId: report.reportId,
      deviceId: report.deviceId,
      joinType: report.joinType,
      duplicate: report.duplicate,
      findings: report.findings,
      // The agent rotates its key (POST /api/v1/agents/key) when it reads this; absent otherwise (decision 011).
      ...(agent.device?.keyRotationDue ? { keyRotation: "due" } : {}),
    },
  };
}

function refuseOverVolume(verdict: RateLimitVerdict): void {
  if (verdict.allowed) return;
  throw tooManyRequests("upload-volume-exceeded", "This credential is sending upload data faster than its budget allows", verdict.retryAfterSeconds);
}
