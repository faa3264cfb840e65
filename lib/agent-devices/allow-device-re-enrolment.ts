import "server-only";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import { tenantScopeWhere, type TenantScope } from "@/lib/auth/tenant-scope";
import type { Db } from "@/lib/db/client";
import { DEVICE_NOT_FOUND, type AgentDeviceActionResult } from "./revoke-agent-device";

/**
 * Lets a revoked device enrol again with its machine key (decision 011). Until it does, its old key reads as unknown
 * (401 invalid-key), which is what makes the agent enrol; the enrolment gives it a new key and makes it active.
 */
export async function allowDeviceReEnrolment(
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
      select: { id: true, tenantRef: true, hostname: true, keyPrefix: true, revokedAt: true, reEnrolAllowedAt: true },
    });
    if (!device) return { ok: false as const, error: DEVICE_NOT_FOUND };
    if (!device.revokedAt)
      return { ok: false as const, error: { code: "not-revoked" as const, message: "The device is not revoked; it can enrol again already" } };
    if (device.reEnrolAllowedAt) return { ok: true as const, changed: false };
    await tx.agentDevice.update({ where: { id: device.id }, data: { reEnrolAllowedAt: now, reEnrolAllowedBy: options.actor } });
    await writeAuditLog(tx, {
      actor: options.actor,
      action: "agent-device.allow-re-enrolment",
      tenantRef: device.tenantRef,
      target: device.id,
      detail: { hostname: device.hostname, keyPrefix: device.keyPrefix },
    });
    return { ok: true as const, changed: true };
  });
}
