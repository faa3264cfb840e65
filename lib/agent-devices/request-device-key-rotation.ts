import "server-only";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import { tenantScopeWhere, type TenantScope } from "@/lib/auth/tenant-scope";
import type { Db } from "@/lib/db/client";
import { DEVICE_NOT_FOUND, type AgentDeviceActionResult } from "./revoke-agent-device";

/**
 * Asks an enrolled device for a new key at its next contact: its uploads answer keyRotation "due" until it rotates
 * (POST /api/v1/agents/key), which clears the request.
 */
export async function requestDeviceKeyRotation(
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
      select: { id: true, tenantRef: true, hostname: true, keyPrefix: true, revokedAt: true, rotateRequestedAt: true },
    });
    if (!device) return { ok: false as const, error: DEVICE_NOT_FOUND };
    if (device.revokedAt)
      return { ok: false as const, error: { code: "device-revoked" as const, message: "The device is revoked; allow it to re-enrol instead" } };
    if (device.rotateRequestedAt) return { ok: true as const, changed: false };
    await tx.agentDevice.update({ where: { id: device.id }, data: { rotateRequestedAt: now, rotateRequestedBy: options.actor } });
    await writeAuditLog(tx, {
      actor: options.actor,
      action: "agent-device.request-key-rotation",
      tenantRef: device.tenantRef,
      target: device.id,
      detail: { hostname: device.hostname, keyPrefix: device.keyPrefix },
    });
    return { ok: true as const, changed: true };
  });
}
