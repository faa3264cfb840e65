import "server-only";
/**
 * `POST /api/v1/agents/key` (decision 011): an enrolled device's key (current, or previous within its grace) and its
 * machine key in, a new device key out. Hardened as uploads are; each rotation spends one of the device's uploads.
 */
import { bearerToken } from "@/lib/agent-tokens/authenticate-agent-token";
import { directDb } from "@/lib/db/direct";
import type { AgentRequest } from "@/lib/http/agent-request";
import { ApiError } from "@/lib/http/api-error";
import type { ApiOutcome } from "@/lib/http/api-outcome";
import { checkJsonRequest, parseJsonBody } from "@/lib/http/read-json-body";
import { refuseAuthentication, refuseClientOverFailureBudget, tooManyRequests } from "@/lib/ingest/auth-failure-guard";
import { consumeUploadBudget, recordAuthFailure } from "@/lib/ingest/rate-limit";
import { schemaIssueDetails } from "@/lib/ingest/validate-upload";
import { AGENT_REQUEST_MAX_BYTES, KeyRotationRequestSchema } from "./agent-request-schemas";
import { authenticateDeviceKey } from "./authenticate-device-key";
import { rotateDeviceKey } from "./rotate-device-key";

/** Throws ApiError for every refusal (429, 401, 413, 415, 400, 403); a refused rotation changes nothing. */
export async function rotateKey(request: AgentRequest): Promise<ApiOutcome> {
  await refuseClientOverFailureBudget(request.clientAddress);
  const key = bearerToken(request.authorization);
  if (!key) return refuseAuthentication(request.clientAddress, { code: "missing-token", message: "Send the device key as 'Authorization: Bearer jsd_…'." });
  const auth = await authenticateDeviceKey(directDb(), key);
  if (!auth.ok) return refuseAuthentication(request.clientAddress, auth.error);
  const { device, presentedKeyHash } = auth.agent;
  const budget = await consumeUploadBudget(`d:${device.id}`);
  if (!budget.allowed) throw tooManyRequests("rate-limited", "Too many requests for this device", budget.retryAfterSeconds);
  checkJsonRequest(request, AGENT_REQUEST_MAX_BYTES);
  const body = parseJsonBody(await request.readBody(AGENT_REQUEST_MAX_BYTES));
  const parsed = KeyRotationRequestSchema.safeParse(body);
  if (!parsed.success)
    throw new ApiError(400, "invalid-body", "The key request does not match its schema: machineKey", schemaIssueDetails(parsed.error.issues));
  const result = await rotateDeviceKey(directDb(), { deviceRef: device.id, presentedKeyHash, machineKey: parsed.data.machineKey });
  if (!result.ok) {
    // A wrong machine key with a valid device key is a guess at the machine key: it counts as a failed authentication.
    if (result.error.code === "machine-key-mismatch") {
      await recordAuthFailure(request.clientAddress);
      throw new ApiError(403, result.error.code, result.error.message);
    }
    return refuseAuthentication(request.clientAddress, result.error);
  }
  return { status: 200, headers: { "Cache-Control": "no-store" }, body: { agentId: result.agentId, deviceKey: result.deviceKey } };
}
