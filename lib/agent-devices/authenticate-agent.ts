import "server-only";
import { authenticateAgentToken, bearerToken, type AgentIdentity, type TokenErrorCode } from "@/lib/agent-tokens/authenticate-agent-token";
import { isWellFormedAgentToken } from "@/lib/agent-tokens/token-format";
import type { DirectDb } from "@/lib/db/direct";
import { authenticateDeviceKey, type DeviceKeyErrorCode } from "./authenticate-device-key";
import { isWellFormedDeviceKey } from "./device-key-format";

export type AgentAuthErrorCode = TokenErrorCode | DeviceKeyErrorCode | "enrolment-required";

export type AuthenticateAgentResult = { ok: true; agent: AgentIdentity } | { ok: false; error: { code: AgentAuthErrorCode; message: string } };

/**
 * Who may upload a report (decision 011): an enrolled device with its key (`jsd_…`), or a token (`jsa_…`) used
 * directly, only while it allows direct uploads (agents before version 2). One indexed lookup either way.
 */
export async function authenticateAgent(direct: DirectDb, authorization: string | null, now: Date = new Date()): Promise<AuthenticateAgentResult> {
  const credential = bearerToken(authorization);
  if (credential && isWellFormedDeviceKey(credential)) {
    const device = await authenticateDeviceKey(direct, credential, now);
    if (!device.ok) return device;
    const { tenantRef, tenantId, redactUserNames, keepEveryUpload, tenantHasProvenEnrolment, device: enrolled } = device.agent;
    return { ok: true, agent: { tokenId: null, tenantRef, tenantId, redactUserNames, keepEveryUpload, tenantHasProvenEnrolment, device: enrolled } };
  }
  if (credential && !isWellFormedAgentToken(credential)) {
    return { ok: false, error: { code: "invalid-token", message: "Send the device key (jsd_…) or the agent token (jsa_…) as 'Authorization: Bearer …'." } };
  }
  const token = await authenticateAgentToken(direct, authorization);
  if (!token.ok) return token;
  if (!token.agent.allowsDirectUpload) {
    return {
      ok: false,
      error: {
        code: "enrolment-required",
        message: "This agent token only enrols devices: update the agent to version 2, which enrols with it and uploads with a key of its own.",
      },
    };
  }
  const { allowsDirectUpload: _, ...agent } = token.agent;
  return { ok: true, agent };
}
