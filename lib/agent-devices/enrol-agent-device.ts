import "server-only";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
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

/**
 * Enrols a machine (decision 011). A machine key the tenant has not seen makes a new device; the machine key of an
 * active enrolment gets a fresh key for it (the agent lost its key, or its key was refused as unknown), the old keys
 * invalid at once; the machine key of a revoked device is refused until an admin allows it to re-enrol. The device key
 * is returned once; only its hash is stored.
 */
export async function enrolAgentDevice(db: Db, options: EnrolAgentDeviceOptions): Promise<EnrolAgentDeviceResult> {
  try {
    return await enrolOnce(db, options);
  } catch (error) {
    // Two enrolments of one new machine key at once: the unique (tenant, machine key) index let one create the row;
    // the other is then a re-enrolment of it.
    if ((error as { code?: unknown }).code === "P2002") return enrolOnce(db, options);
    throw error;
  }
}

async function enrolOnce(db: Db, options: EnrolAgentDeviceOptions): Promise<EnrolAgentDeviceResult> {
  const now = options.now ?? new Date();
  const { tenantRef, tokenId, request } = options;
  const machineKeyHash = hashAgentSecret(request.machineKey);
  const deviceKey = generateDeviceKey();
  const key = { keyHash: hashAgentSecret(deviceKey), keyPrefix: deviceKeyPrefix(deviceKey), keyIssuedAt: now, previousKeyHash: null, previousKeyExpiresAt: null };
  const enrolment = {
    hostname: request.hostname,
    deviceId: request.deviceId,
    agentVersion: request.agentVersion,
    enrolledViaTokenRef: tokenId,
    lastEnrolledAt: now,
    enrolledFromAddress: options.clientAddress,
    lastSeenAt: now,
  };
  return db.$transaction(async (tx) => {
    const existing = await tx.agentDevice.findUnique({
      where: { tenantRef_machineKeyHash: { tenantRef, machineKeyHash } },
      select: { id: true, revokedAt: true, reEnrolAllowedAt: true },
    });
    let agentId: string;
    if (existing) {
      if (existing.revokedAt && !existing.reEnrolAllowedAt) {
        return {
          ok: false as const,
          error: { code: "device-revoked" as const, message: "This machine's enrolment was revoked on the Agents page; an admin must allow it to enrol again." },
        };
      }
      await tx.agentDevice.update({
        where: { id: existing.id },
        data: {
          ...key,
          ...enrolment,
          rotateRequestedAt: null,
          rotateRequestedBy: null,
          revokedAt: null,
          revokedBy: null,
          reEnrolAllowedAt: null,
          reEnrolAllowedBy: null,
        },
      });
      agentId = existing.id;
    } else {
      // Revoked devices count too: the limit bounds the rows a leaked secret can make.
      const enrolled = await tx.agentDevice.count({ where: { tenantRef } });
      if (enrolled >= config.JOINSCOPE_MAX_AGENT_DEVICES) {
        return {
          ok: false as const,
          error: {
            code: "enrolment-limit" as const,
            message: `This tenant has ${enrolled} enrolled devices, its limit (JOINSCOPE_MAX_AGENT_DEVICES); revoke or raise the limit before enrolling more.`,
          },
        };
      }
      const created = await tx.agentDevice.create({
        data: { tenantRef, machineKeyHash, enrolledAt: now, ...key, ...enrolment },
        select: { id: true },
      });
      agentId = created.id;
    }
    if (!options.tokenLastUsedAt || now.getTime() - options.tokenLastUsedAt.getTime() >= 60_000) {
      await tx.agentToken.update({ where: { id: tokenId }, data: { lastUsedAt: now } });
    }
    return { ok: true as const, created: !existing, agentId, deviceKey, hostname: request.hostname };
  });
}
