import "server-only";
import { randomUUID } from "node:crypto";
import { config } from "@/lib/config";
import type { Prisma } from "@/lib/db/client";
import { insertStatements, isUniqueViolation, type ColumnKind, type DirectDb, type Statement } from "@/lib/db/direct";
import type { EnrolmentRequest } from "./agent-request-schemas";
import { deviceKeyPrefix, generateDeviceKey, hashAgentSecret } from "./device-key-format";

export interface EnrolAgentDeviceOptions {
  tenantRef: string;
  /** The enrolment secret (AgentToken) that authenticated the request. */
  tokenId: string;
  /** The token's last use, to write lastUsedAt at most once a minute. */
  tokenLastUsedAt?: Date | null;
  request: EnrolmentRequest;
  clientAddress: string;
  now?: Date;
}

export type EnrolAgentDeviceResult =
  | { ok: true; created: boolean; agentId: string; deviceKey: string; hostname: string }
  | { ok: false; error: { code: "device-revoked" | "enrolment-limit"; message: string } };

const DEVICE_REVOKED = {
  ok: false,
  error: { code: "device-revoked", message: "This machine's enrolment was revoked on the Agents page; an admin must allow it to enrol again." },
} as const;

/**
 * Enrols a machine (decision 011). A machine key the tenant has not seen makes a new device; the machine key of an
 * active enrolment gets a fresh key for it (the agent lost its key, or its key was refused as unknown), the old keys
 * invalid at once; the machine key of a revoked device is refused until an admin allows it to re-enrol. The device key
 * is returned once; only its hash is stored.
 *
 * Through the direct path (lib/db/direct.ts), as uploads are: a fleet enrols at its first run, and on SQLite a Prisma
 * transaction that reads and then writes cannot take the write lock while uploads commit (SQLITE_BUSY at once). Each
 * write is one statement whose WHERE (or unique index) re-checks what was read; when another request changed it in
 * between, the enrolment reads again.
 */
export async function enrolAgentDevice(direct: DirectDb, options: EnrolAgentDeviceOptions): Promise<EnrolAgentDeviceResult> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const result = await enrolOnce(direct, options);
    if (result !== "changed-meanwhile") return result;
  }
  throw new Error("enrolment: the machine's row kept changing under concurrent enrolments");
}

async function enrolOnce(direct: DirectDb, options: EnrolAgentDeviceOptions): Promise<EnrolAgentDeviceResult | "changed-meanwhile"> {
  const now = options.now ?? new Date();
  const { tenantRef, tokenId, request } = options;
  const machineKeyHash = hashAgentSecret(request.machineKey);
  const deviceKey = generateDeviceKey();
  const touchToken: Statement[] =
    !options.tokenLastUsedAt || now.getTime() - options.tokenLastUsedAt.getTime() >= 60_000
      ? [{ sql: `UPDATE "AgentToken" SET "lastUsedAt" = ? WHERE "id" = ?`, params: [now, tokenId] }]
      : [];
  const [existing] = await direct.query<{ id: string; revokedAt: unknown; reEnrolAllowedAt: unknown }>(
    `SELECT "id", "revokedAt", "reEnrolAllowedAt" FROM "AgentDevice" WHERE "tenantRef" = ? AND "machineKeyHash" = ?`,
    [tenantRef, machineKeyHash],
  );
  if (existing) {
    if (existing.revokedAt && !existing.reEnrolAllowedAt) return DEVICE_REVOKED;
    const [changed] = await direct.batch([
      {
        sql: `UPDATE "AgentDevice" SET "keyHash" = ?, "keyPrefix" = ?, "keyIssuedAt" = ?, "previousKeyHash" = NULL, "previousKeyExpiresAt" = NULL,
                "hostname" = ?, "deviceId" = ?, "agentVersion" = ?, "enrolledViaTokenRef" = ?, "lastEnrolledAt" = ?, "enrolledFromAddress" = ?,
                "lastSeenAt" = ?, "rotateRequestedAt" = NULL, "rotateRequestedBy" = NULL, "revokedAt" = NULL, "revokedBy" = NULL,
                "reEnrolAllowedAt" = NULL, "reEnrolAllowedBy" = NULL
              WHERE "id" = ? AND ("revokedAt" IS NULL OR "reEnrolAllowedAt" IS NOT NULL)`,
        params: [
          hashAgentSecret(deviceKey),
          deviceKeyPrefix(deviceKey),
          now,
          request.hostname,
          request.deviceId,
          request.agentVersion,
          tokenId,
          now,
          options.clientAddress,
          now,
          existing.id,
        ],
      },
      ...touchToken,
    ]);
    // Revoked since it was read: read again, and refuse.
    if (changed === 0) return "changed-meanwhile";
    return { ok: true, created: false, agentId: existing.id, deviceKey, hostname: request.hostname };
  }
  // Revoked devices count too: the limit bounds the rows a leaked secret can make.
  const [count] = await direct.query<{ n: number | bigint | string }>(`SELECT COUNT(*) AS "n" FROM "AgentDevice" WHERE "tenantRef" = ?`, [tenantRef]);
  const enrolled = Number(count?.n ?? 0);
  if (enrolled >= config.JOINSCOPE_MAX_AGENT_DEVICES) {
    return {
      ok: false,
      error: {
        code: "enrolment-limit",
        message: `This tenant has ${enrolled} enrolled devices, its limit (JOINSCOPE_MAX_AGENT_DEVICES); revoke or raise the limit before enrolling more.`,
      },
    };
  }
  const agentId = randomUUID();
  const row: Prisma.AgentDeviceUncheckedCreateInput = {
    id: agentId,
    tenantRef,
    enrolledViaTokenRef: tokenId,
    hostname: request.hostname,
    deviceId: request.deviceId,
    machineKeyHash,
    keyHash: hashAgentSecret(deviceKey),
    keyPrefix: deviceKeyPrefix(deviceKey),
    previousKeyHash: null,
    previousKeyExpiresAt: null,
    keyIssuedAt: now,
    enrolledAt: now,
    lastEnrolledAt: now,
    enrolledFromAddress: options.clientAddress,
    lastSeenAt: now,
    agentVersion: request.agentVersion,
  };
  try {
    await direct.batch([...insertStatements(direct.dialect, "AgentDevice", DEVICE_COLUMNS, [{ ...row }]), ...touchToken]);
  } catch (error) {
    // The same new machine key enrolling twice at once: the unique (tenant, machine key) index let one insert win, and
    // this one is a re-enrolment of that row.
    if (isUniqueViolation(error)) return "changed-meanwhile";
    throw error;
  }
  return { ok: true, created: true, agentId, deviceKey, hostname: request.hostname };
}

const DEVICE_COLUMNS = {
  id: "text",
  tenantRef: "text",
  enrolledViaTokenRef: "text",
  hostname: "text",
  deviceId: "text",
  machineKeyHash: "text",
  keyHash: "text",
  keyPrefix: "text",
  previousKeyHash: "text",
  previousKeyExpiresAt: "datetime",
  keyIssuedAt: "datetime",
  rotateRequestedAt: "datetime",
  rotateRequestedBy: "text",
  enrolledAt: "datetime",
  lastEnrolledAt: "datetime",
  enrolledFromAddress: "text",
  lastSeenAt: "datetime",
  agentVersion: "text",
  revokedAt: "datetime",
  revokedBy: "text",
  reEnrolAllowedAt: "datetime",
  reEnrolAllowedBy: "text",
} satisfies Record<Prisma.AgentDeviceScalarFieldEnum, ColumnKind>;
