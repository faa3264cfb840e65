import "server-only";
import { readDate, readBool, type DirectDb } from "@/lib/db/direct";
import { hashAgentToken, isWellFormedAgentToken } from "./token-format";

export interface AgentIdentity {
  tokenId: string;
  tenantRef: string;
  /** The Entra tenant id the token is scoped to (lower-case GUID). */
  tenantId: string;
  /** The tenant asks that user names never be stored. */
  redactUserNames?: boolean;
  /** When the token was last used, to write lastUsedAt at most once a minute. */
  lastUsedAt?: Date | null;
}

export type AuthenticateResult =
  | { ok: true; agent: AgentIdentity }
  | { ok: false; error: { code: "missing-token" | "invalid-token" | "revoked-token"; message: string } };

/**
 * The stored form (SHA-256) of a well-formed bearer token, or null: what per-token limits key on before the token is
 * looked up, so a token over its budget costs no database query.
 */
export function presentedTokenHash(authorization: string | null): string | null {
  const token = bearerToken(authorization);
  return token && isWellFormedAgentToken(token) ? hashAgentToken(token) : null;
}

/** The token of `Authorization: Bearer <token>`, or null. */
function bearerToken(authorization: string | null): string | null {
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
  // Every upload runs this: one indexed lookup through the direct path (lib/db/direct.ts), not Prisma.
  const [row] = await direct.query<{ id: string; tenantRef: string; revokedAt: unknown; lastUsedAt: unknown; tenantId: string; redactUserNames: unknown }>(
    `SELECT t."id", t."tenantRef", t."revokedAt", t."lastUsedAt", n."tenantId", n."redactUserNames"
       FROM "AgentToken" t JOIN "Tenant" n ON n."id" = t."tenantRef" WHERE t."tokenHash" = ?`,
    [hashAgentToken(token)],
  );
  if (!row) return { ok: false, error: { code: "invalid-token", message: "The agent token is not valid." } };
  if (row.revokedAt) {
    return { ok: false, error: { code: "revoked-token", message: "The agent token was revoked; create a new one on the Agents page." } };
  }
  return {
    ok: true,
    agent: { tokenId: row.id, tenantRef: row.tenantRef, tenantId: row.tenantId, redactUserNames: readBool(row.redactUserNames) === true, lastUsedAt: readDate(row.lastUsedAt) },
  };
}
