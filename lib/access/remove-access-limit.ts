import "server-only";
import { z } from "zod";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db } from "@/lib/db/client";

export const RemoveAccessLimitInput = z.object({ id: z.string().uuid("Unknown limit"), actor: z.string().min(1) });

/** Lifts a user's or group's limit (decision 027): they see every tenant again, unless another limit names them. Audit-logged. */
export async function removeAccessLimit(
  db: Db,
  input: { id: string; actor: string },
): Promise<{ ok: true } | { ok: false; error: { code: "invalid-input" | "not-found"; message: string } }> {
  const parsed = RemoveAccessLimitInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: { code: "invalid-input", message: parsed.error.issues[0]?.message ?? "Invalid input" } };
  return db.$transaction(async (tx) => {
    const limit = await tx.accessLimit.findUnique({
      where: { id: parsed.data.id },
      select: { id: true, kind: true, principal: true, tenants: { select: { tenantRef: true } } },
    });
    if (!limit) return { ok: false as const, error: { code: "not-found" as const, message: "This limit was already removed" } };
    await tx.accessLimit.delete({ where: { id: limit.id } });
    await writeAuditLog(tx, {
      actor: parsed.data.actor,
      action: "access-limit.remove",
      target: limit.principal,
      detail: { kind: limit.kind, principal: limit.principal, previousTenantRefs: limit.tenants.map((t) => t.tenantRef).sort() },
    });
    return { ok: true as const };
  });
}
