import "server-only";
import type { EnrolledDevice } from "@/lib/agent-tokens/authenticate-agent-token";
import { config } from "@/lib/config";
import { readBool, readDate, type DirectDb } from "@/lib/db/direct";
import { hashAgentSecret, isWellFormedDeviceKey } from "./device-key-format";

export type DeviceKeyErrorCode = "invalid-key" | "device-revoked";

export interface AuthenticatedDevice {
  tenantRef: string;
  tenantId: string;
  redactUserNames: boolean;
  keepEveryUpload: boolean;
  /** Some enrolment of the tenant proved its device identity (decision 041). */
  tenantHasProvenEnrolment: boolean;
  device: EnrolledDevice;
  /** The stored form of the key presented (the current one, or the previous one within its grace). */
  presentedKeyHash: string;
}

export type AuthenticateDeviceKeyResult = { ok: true; agent: AuthenticatedDevice } | { ok: false; error: { code: DeviceKeyErrorCode; message: string } };

const INVALID_KEY = {
  code: "invalid-key",
  message: "The device key is not valid; enrol again with the machine key (POST /api/v1/agents/enrol).",
} as const;

type DeviceKeyRow = {
  id: string;
  tenantRef: string;
  hostname: string;
  keyHash: string;
  previousKeyExpiresAt: unknown;
  keyIssuedAt: unknown;
  rotateRequestedAt: unknown;
  revokedAt: unknown;
  reEnrolAllowedAt: unknown;
  lastSeenAt: unknown;
  agentVersion: string | null;
  provenDeviceId: string | null;
  tenantId: string;
  redactUserNames: unknown;
  keepEveryUpload: unknown;
  hasProvenEnrolment: unknown;
};

/**
 * Reads a `jsd_…` device key (decision 011): the current key, or the previous one until its grace ends. Every upload
 * of an enrolled device runs this: one lookup through the direct path (lib/db/direct.ts) on the two unique key
 * indexes, not Prisma. Never logs or echoes the key.
 */
export async function authenticateDeviceKey(direct: DirectDb, key: string, now: Date = new Date()): Promise<AuthenticateDeviceKeyResult> {
  if (!isWellFormedDeviceKey(key)) return { ok: false, error: INVALID_KEY };
  const hash = hashAgentSecret(key);
  const [row] = await direct.query<DeviceKeyRow>(
    `SELECT d."id", d."tenantRef", d."hostname", d."keyHash", d."previousKeyExpiresAt", d."keyIssuedAt", d."rotateRequestedAt",
            d."revokedAt", d."reEnrolAllowedAt", d."lastSeenAt", d."agentVersion", d."provenDeviceId", n."tenantId", n."redactUserNames", n."keepEveryUpload",
            n."hasProvenEnrolment"
       FROM "AgentDevice" d JOIN "Tenant" n ON n."id" = d."tenantRef"
      WHERE d."keyHash" = ? OR d."previousKeyHash" = ?`,
    [hash, hash],
  );
  if (!row) return { ok: false, error: INVALID_KEY };
  const current = row.keyHash === hash;
  if (!current) {
    const graceEnds = readDate(row.previousKeyExpiresAt);
    if (!graceEnds || graceEnds.getTime() <= now.getTime()) return { ok: false, error: INVALID_KEY };
  }
  if (row.revokedAt) {
    // Allowed to re-enrol: the old key reads as unknown, which is what makes the agent enrol again with its machine key.
    if (row.reEnrolAllowedAt) return { ok: false, error: INVALID_KEY };
    return {
      ok: false,
      error: { code: "device-revoked", message: "This device was revoked on the Agents page. It may enrol again only once an admin allows it." },
    };
  }
  const issued = readDate(row.keyIssuedAt)!;
  const maxAgeMs = config.JOINSCOPE_AGENT_KEY_MAX_AGE_DAYS * 86_400_000;
  return {
    ok: true,
    agent: {
      tenantRef: row.tenantRef,
      tenantId: row.tenantId,
      redactUserNames: readBool(row.redactUserNames) === true,
      keepEveryUpload: readBool(row.keepEveryUpload) === true,
      tenantHasProvenEnrolment: readBool(row.hasProvenEnrolment) === true,
      presentedKeyHash: hash,
      device: {
        id: row.id,
        hostname: row.hostname,
        lastSeenAt: readDate(row.lastSeenAt),
        agentVersion: row.agentVersion,
        keyRotationDue: !current || row.rotateRequestedAt != null || now.getTime() - issued.getTime() >= maxAgeMs,
        provenDeviceId: row.provenDeviceId,
      },
    },
  };
}
