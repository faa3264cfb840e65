import "server-only";
import { hashAgentSecret, isWellFormedDeviceKey } from "@/lib/agent-devices/device-key-format";
import { readDate, readBool, type DirectDb } from "@/lib/db/direct";
import { hashAgentToken, isWellFormedAgentToken } from "./token-format";

/** Who an upload speaks for: an enrolled device (its key), or a token used directly (agents before version 2). */
export interface AgentIdentity {
  /** The token the report was uploaded with directly, or null when an enrolled device's key uploaded it. */
  tokenId: string | null;
  tenantRef: string;
  /** The Entra tenant id the token is scoped to (lower-case GUID). */
  tenantId: string;
  /** The tenant asks that user names never be stored. */
  redactUserNames?: boolean;
  /** The tenant stores every upload as its own report (decision 013); else one report per state change. */
  keepEveryUpload?: boolean;
  /**
   * Some enrolment of the tenant proved its device identity (decision 042): uploads must check the registration id they
   * claim against the proven ones. Unknown (a paste, a test's identity): checked.
   */
  tenantHasProvenEnrolment?: boolean;
  /** When the token was last used, to write lastUsedAt at most once a minute. */
  lastUsedAt?: Date | null;
  /** The enrolled device whose key authenticated the upload (decision 011). */
  device?: EnrolledDevice;
}

export interface EnrolledDevice {
  id: string;
  /** The hostname it enrolled with: its reports must carry it. */
  hostname: string;
  /** Written at most once a minute, as a token's lastUsedAt. */
  lastSeenAt: Date | null;
  agentVersion: string | null;
  /** The upload's answer says keyRotation "due": the key is old, an admin asked, or the previous key was presented. */
  keyRotationDue: boolean;
  /** The registration id this enrolment proved with the device certificate (decision 042): its reports must carry it. */
  provenDeviceId?: string | null;
}

/** An enrolment secret that authenticated, and whether it may still upload itself. */
export interface AuthenticatedToken extends AgentIdentity {
  tokenId: string;
  allowsDirectUpload: boolean;
}

export type TokenErrorCode = "missing-token" | "invalid-token" | "revoked-token";

export type AuthenticateResult = { ok: true; agent: AuthenticatedToken } | { ok: false; error: { code: TokenErrorCode; message: string } };

/**
 * The stored form (SHA-256) of a well-formed bearer credential (a token or a device key), or null: what per-credential
 * limits key on before it is looked up, so a credential over its budget costs no database query.
 */
export function presentedTokenHash(authorization: string | null): string | null {
  const token = bearerToken(authorization);
  if (!token) return null;
  if (isWellFormedAgentToken(token)) return hashAgentToken(token);
  return isWellFormedDeviceKey(token) ? hashAgentSecret(token) : null;
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(authorization: string | null): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1] ?? null;
}

/** Reads `Authorization: Bearer jsa_…`. Never logs or echoes the token. */
export async function authenticateAgentToken(direct: DirectDb, authorization: string | null): Promise<AuthenticateResult> {
  const token = bearerToken(authorization);
  if (!token) {
    return { ok: false, error: { code: "missing-token", message: "Send the agent token as 'Authorization: Bearer jsa_…'." } };
  }
  if (!isWellFormedAgentToken(token)) {
    return { ok: false, error: { code: "invalid-token", message: "The agent token is not valid." } };
  }
  // Every direct upload and enrolment runs this: one indexed lookup through the direct path (lib/db/direct.ts), not Prisma.
  const [row] = await direct.query<{
    id: string;
    tenantRef: string;
    revokedAt: unknown;
    lastUsedAt: unknown;
    allowsDirectUpload: unknown;
    tenantId: string;
    redactUserNames: unknown;
    keepEveryUpload: unknown;
    hasProvenEnrolment: unknown;
  }>(
    `SELECT t."id", t."tenantRef", t."revokedAt", t."lastUsedAt", t."allowsDirectUpload", n."tenantId", n."redactUserNames", n."keepEveryUpload",
            n."hasProvenEnrolment"
       FROM "AgentToken" t JOIN "Tenant" n ON n."id" = t."tenantRef" WHERE t."tokenHash" = ?`,
    [hashAgentToken(token)],
  );
  if (!row) return { ok: false, error: { code: "invalid-token", message: "The agent token is not valid." } };
  if (row.revokedAt) {
    return { ok: false, error: { code: "revoked-token", message: "The agent token was revoked; create a new one on the Agents page." } };
  }
  return {
    ok: true,
    agent: {
      tokenId: row.id,
      tenantRef: row.tenantRef,
      tenantId: row.tenantId,
      redactUserNames: readBool(row.redactUserNames) === true,
      keepEveryUpload: readBool(row.keepEveryUpload) === true,
      tenantHasProvenEnrolment: readBool(row.hasProvenEnrolment) === true,
      lastUsedAt: readDate(row.lastUsedAt),
      allowsDirectUpload: readBool(row.allowsDirectUpload) === true,
    },
  };
}
