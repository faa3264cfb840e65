import "server-only";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import { tenantScopeWhere, type TenantScope } from "@/lib/auth/tenant-scope";
import type { Db } from "@/lib/db/client";

export type AgentDeviceActionResult =
  { ok: true; changed: boolean } | { ok: false; error: { code: "not-found" | "device-revoked" | "not-revoked"; message: string } };

export const DEVICE_NOT_FOUND = { code: "not-found", message: "No enrolled device with that id" } as const;

/**
 * Revokes one enrolled device (decision 011): its uploads and key rotations get 401 device-revoked from the next
 * request, and its machine key cannot enrol again until an admin allows it. Other devices, and the secret it enrolled
 * with, are unaffected. The row stays, for the Agents page and the audit trail.
 */
export async function revokeAgentDevice(
  db: Db,
  options: {
    id: string;
    actor: string;
    now?: Date;
    /** The caller's access limit (decision 027): another tenant's id is not found. */ tenantScope?: TenantScope;
  },
): Promise<AgentDeviceActionResult> {
  const now = options.now ?? new Date();
  return db.$transaction(async (tx) => {
    const device = await tx.agentDevice.findUnique({
      where: { id: options.id, ...tenantScopeWhere(options.tenantScope ?? null) },
      select: { id: true, tenantRef: true, hostname: true, keyPrefix: true, revokedAt: true },
    });
    if (!device) return { ok: false as const, error: DEVICE_NOT_FOUND };
    if (device.revokedAt) return { ok: true as const, changed: false };
    await tx.agentDevice.update({
      where: { id: device.id },
      data: { revokedAt: now, revokedBy: options.actor, reEnrolAllowedAt: null, reEnrolAllowedBy: null, rotateRequestedAt: null, rotateRequestedBy: null },
    });
    await writeAuditLog(tx, {
      actor: options.actor,
      action: "agent-device.revoke",
      tenantRef: device.tenantRef,
      target: device.id,
      detail: { hostname: device.hostname, keyPrefix: device.keyPrefix },
    });
    return { ok: true as const, changed: true };
  });
}
