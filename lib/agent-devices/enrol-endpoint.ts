import "server-only";
/**
 * `POST /api/v1/agents/enrol` (decision 011): an enrolment secret (`jsa_…`) and the machine's identity in, a device key
 * out. The same hardening as uploads: the failed-authentication budget per client address, a small body read with a
 * limit, a JSON content type, a strict schema; and a rate per secret and a device limit per tenant, so a leaked secret
 * cannot fill the database.
 */
import { authenticateAgentToken } from "@/lib/agent-tokens/authenticate-agent-token";
import { directDb } from "@/lib/db/direct";
import type { AgentRequest } from "@/lib/http/agent-request";
import { ApiError } from "@/lib/http/api-error";
import type { ApiOutcome } from "@/lib/http/api-outcome";
import { checkJsonRequest, parseJsonBody } from "@/lib/http/read-json-body";
import { refuseAuthentication, refuseClientOverFailureBudget, tooManyRequests } from "@/lib/ingest/auth-failure-guard";
import { consumeEnrolmentBudget } from "@/lib/ingest/rate-limit";
import { schemaIssueDetails } from "@/lib/ingest/validate-upload";
import { AGENT_REQUEST_MAX_BYTES, EnrolmentRequestSchema } from "./agent-request-schemas";
import { enrolAgentDevice } from "./enrol-agent-device";

/** Throws ApiError for every refusal (429, 401, 413, 415, 400, 403); a refused enrolment changes nothing. */
export async function enrolDevice(request: AgentRequest): Promise<ApiOutcome> {
  await refuseClientOverFailureBudget(request.clientAddress);
  const auth = await authenticateAgentToken(directDb(), request.authorization);
  if (!auth.ok) return refuseAuthentication(request.clientAddress, auth.error);
  const budget = await consumeEnrolmentBudget(auth.agent.tokenId);
  if (!budget.allowed) throw tooManyRequests("rate-limited", "Too many enrolments through this agent token", budget.retryAfterSeconds);
  checkJsonRequest(request, AGENT_REQUEST_MAX_BYTES);
  const body = parseJsonBody(await request.readBody(AGENT_REQUEST_MAX_BYTES));
  const parsed = EnrolmentRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError(
      400,
      "invalid-body",
      "The enrolment does not match its schema: hostname, deviceId, agentVersion, machineKey, deviceProof (optional)",
      schemaIssueDetails(parsed.error.issues),
    );
  }
  const result = await enrolAgentDevice(directDb(), {
    tenantRef: auth.agent.tenantRef,
    tokenId: auth.agent.tokenId,
    tokenLastUsedAt: auth.agent.lastUsedAt,
    request: parsed.data,
    clientAddress: request.clientAddress,
  });
  if (!result.ok) throw new ApiError(403, result.error.code, result.error.message);
  return {
    status: result.created ? 201 : 200,
    headers: { "Cache-Control": "no-store" },
    body: {
      agentId: result.agentId,
      deviceKey: result.deviceKey,
      hostname: result.hostname,
      // Decision 042: whether the machine proved its Entra ID device identity, and if not why (the agent logs it).
      deviceProof: result.deviceProof.verified
        ? { verified: true, thumbprint: result.deviceProof.thumbprint }
        : { verified: false, reason: result.deviceProof.reason, message: result.deviceProof.message },
      ...(result.superseded > 0 ? { superseded: result.superseded } : {}),
    },
  };
}
