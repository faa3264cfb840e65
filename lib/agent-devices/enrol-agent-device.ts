import "server-only";
import { randomUUID } from "node:crypto";
import { config } from "@/lib/config";
import type { Prisma } from "@/lib/db/client";
import { insertStatements, isUniqueViolation, type ColumnKind, type DirectDb, type Statement } from "@/lib/db/direct";
import type { EnrolmentRequest } from "./agent-request-schemas";
import { deviceKeyPrefix, generateDeviceKey, hashAgentSecret } from "./device-key-format";
import { checkDeviceProof, describeDeviceProofFailure } from "./device-proof";
import { checkProofAgainstDirectory, describeDirectoryProofFailure } from "./device-proof-directory";

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

/** What the enrolment made of the machine's device proof (decision 042); answered to the agent, which logs it. */
export type DeviceProofOutcome = { verified: true; deviceId: string; thumbprint: string } | { verified: false; reason: string; message: string };

export type EnrolAgentDeviceResult =
  | { ok: true; created: boolean; agentId: string; deviceKey: string; hostname: string; deviceProof: DeviceProofOutcome; superseded: number }
  | { ok: false; error: { code: "device-revoked" | "enrolment-limit" | "device-identity-held"; message: string } };

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
  const [existing] = await direct.query<{ id: string; revokedAt: unknown; reEnrolAllowedAt: unknown; provenDeviceId: string | null }>(
    `SELECT "id", "revokedAt", "reEnrolAllowedAt", "provenDeviceId" FROM "AgentDevice" WHERE "tenantRef" = ? AND "machineKeyHash" = ?`,
    [tenantRef, machineKeyHash],
  );
  if (existing?.revokedAt && !existing.reEnrolAllowedAt) return DEVICE_REVOKED;
  const deviceProof = await proveDevice(direct, tenantRef, request, now);
  // A proven identity stays with the installation that proved it while it names the same registration id.
  const keptProof = !deviceProof.verified && existing?.provenDeviceId != null && existing.provenDeviceId === request.deviceId;
  if (!deviceProof.verified && !keptProof) {
    const held = await identityHeldElsewhere(direct, tenantRef, request, existing?.id ?? null);
    if (held) return held;
  }
  const agentId = existing?.id ?? randomUUID();
  const keyHash = hashAgentSecret(deviceKey);
  // Each runs only if this enrolment's own write did (its row holds the new key): a row revoked meanwhile is left alone.
  const proofColumns: Statement[] = deviceProof.verified
    ? [
        {
          sql: `UPDATE "AgentDevice" SET "provenDeviceId" = ?, "proofThumbprint" = ?, "proofVerifiedAt" = ? WHERE "id" = ? AND "keyHash" = ?`,
          params: [deviceProof.deviceId, deviceProof.thumbprint, now, agentId, keyHash],
        },
        supersedeStatement(tenantRef, { agentId, keyHash }, request, now),
        // From now on the tenant's uploads check the registration ids they claim (decision 041).
        { sql: `UPDATE "Tenant" SET "hasProvenEnrolment" = ? WHERE "id" = ? AND "hasProvenEnrolment" = ?`, params: [true, tenantRef, false] },
      ]
    : keptProof
      ? []
      : [
          {
            sql: `UPDATE "AgentDevice" SET "provenDeviceId" = NULL, "proofThumbprint" = NULL, "proofVerifiedAt" = NULL WHERE "id" = ? AND "keyHash" = ?`,
            params: [agentId, keyHash],
          },
        ];
  // The rows the supersede statement (proofColumns' second, when the proof was verified) revoked, read from the batch's
  // counts once proofColumns' first statement is known.
  const supersededIn = (counts: number[], proofStart: number) => (deviceProof.verified ? (counts[proofStart + 1] ?? 0) : 0);
  if (existing) {
    const counts = await direct.batch([
      {
        sql: `UPDATE "AgentDevice" SET "keyHash" = ?, "keyPrefix" = ?, "keyIssuedAt" = ?, "previousKeyHash" = NULL, "previousKeyExpiresAt" = NULL,
                "hostname" = ?, "deviceId" = ?, "agentVersion" = ?, "enrolledViaTokenRef" = ?, "lastEnrolledAt" = ?, "enrolledFromAddress" = ?,
                "lastSeenAt" = ?, "rotateRequestedAt" = NULL, "rotateRequestedBy" = NULL, "revokedAt" = NULL, "revokedBy" = NULL,
                "reEnrolAllowedAt" = NULL, "reEnrolAllowedBy" = NULL
              WHERE "id" = ? AND ("revokedAt" IS NULL OR "reEnrolAllowedAt" IS NOT NULL)`,
        params: [
          keyHash,
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
      ...proofColumns,
      ...touchToken,
    ]);
    // Revoked since it was read: read again, and refuse. (The proof's statements only match a row that is not revoked
    // or whose re-enrolment is allowed, and this one did not change, so a rolled-back batch is not needed.)
    if (counts[0] === 0) return "changed-meanwhile";
    return { ok: true, created: false, agentId: existing.id, deviceKey, hostname: request.hostname, deviceProof, superseded: supersededIn(counts, 1) };
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
  const row: Prisma.AgentDeviceUncheckedCreateInput = {
    id: agentId,
    tenantRef,
    enrolledViaTokenRef: tokenId,
    hostname: request.hostname,
    deviceId: request.deviceId,
    machineKeyHash,
    keyHash,
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
  let superseded = 0;
  try {
    const inserts = insertStatements(direct.dialect, "AgentDevice", DEVICE_COLUMNS, [{ ...row }]);
    const counts = await direct.batch([...inserts, ...proofColumns, ...touchToken]);
    superseded = supersededIn(counts, inserts.length);
  } catch (error) {
    // The same new machine key enrolling twice at once: the unique (tenant, machine key) index let one insert win, and
    // this one is a re-enrolment of that row.
    if (isUniqueViolation(error)) return "changed-meanwhile";
    throw error;
  }
  return { ok: true, created: true, agentId, deviceKey, hostname: request.hostname, deviceProof, superseded };
}

async function proveDevice(direct: DirectDb, tenantRef: string, request: EnrolmentRequest, now: Date): Promise<DeviceProofOutcome> {
  if (!request.deviceProof) return { verified: false, reason: "no-proof", message: "The enrolment carried no device proof." };
  const checked = checkDeviceProof(request.deviceProof, request, now);
  if (!checked.ok) return { verified: false, reason: checked.reason, message: `Device proof not accepted: ${describeDeviceProofFailure(checked.reason)}.` };
  const directory = await checkProofAgainstDirectory(direct, tenantRef, {
    deviceId: checked.deviceId,
    thumbprint: checked.thumbprint,
    hostname: request.hostname,
  });
  if (!directory.ok) {
    return { verified: false, reason: directory.reason, message: `Device proof not accepted: ${describeDirectoryProofFailure(directory.reason)}.` };
  }
  return { verified: true, deviceId: checked.deviceId, thumbprint: checked.thumbprint };
}

/**
 * The enrolments whose identity a new one claims: active, proven (decision 042), and proven for this registration id or
 * enrolled under this hostname. Hostnames are stored as the agent sent them (`$env:COMPUTERNAME`, upper case), so the
 * (tenant, hostname) index is read for the name as sent, in upper and in lower case.
 */
function claimedIdentityWhere(request: EnrolmentRequest): { sql: string; params: unknown[] } {
  const names = [request.hostname, request.hostname.toUpperCase(), request.hostname.toLowerCase()];
  return {
    sql: `"revokedAt" IS NULL AND ("provenDeviceId" = ? OR "hostname" IN (?, ?, ?))`,
    params: [request.deviceId, ...names],
  };
}

async function identityHeldElsewhere(
  direct: DirectDb,
  tenantRef: string,
  request: EnrolmentRequest,
  self: string | null,
): Promise<EnrolAgentDeviceResult | null> {
  const where = claimedIdentityWhere(request);
  const [held] = await direct.query<{ hostname: string }>(
    `SELECT "hostname" FROM "AgentDevice" WHERE "tenantRef" = ? AND "id" <> ? AND "provenDeviceId" IS NOT NULL AND ${where.sql} LIMIT 1`,
    [tenantRef, self ?? "", ...where.params],
  );
  if (!held) return null;
  return {
    ok: false,
    error: {
      code: "device-identity-held",
      message:
        `${held.hostname} is enrolled by an agent that proved its Entra ID device identity. Enrol with a device proof ` +
        "(an agent that can sign with the machine's device certificate), or revoke that enrolment on the Agents page.",
    },
  };
}

/** A proven enrolment replaces every other active enrolment of its hostname or registration id (a re-imaged machine). */
function supersedeStatement(tenantRef: string, self: { agentId: string; keyHash: string }, request: EnrolmentRequest, now: Date): Statement {
  const where = claimedIdentityWhere(request);
  return {
    sql: `UPDATE "AgentDevice" SET "revokedAt" = ?, "revokedBy" = ?
           WHERE "tenantRef" = ? AND "id" <> ? AND ${where.sql}
             AND EXISTS (SELECT 1 FROM "AgentDevice" s WHERE s."id" = ? AND s."keyHash" = ?)`,
    params: [now, `superseded by agent ${self.agentId} (device proof)`, tenantRef, self.agentId, ...where.params, self.agentId, self.keyHash],
  };
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
  provenDeviceId: "text",
  proofThumbprint: "text",
  proofVerifiedAt: "datetime",
} satisfies Record<Prisma.AgentDeviceScalarFieldEnum, ColumnKind>;
