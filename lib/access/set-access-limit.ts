import "server-only";
import { z } from "zod";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db } from "@/lib/db/client";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Settings → Users: limit a user or an Entra group to some tenants (decision 027). A user is a local account's email,
 * an Entra user's UPN or object id; a group is an Entra group's object id (as the ID token's `groups` claim names it).
 */
export const SetAccessLimitInput = z
  .object({
    kind: z.enum(["user", "group"], { message: "Choose a user or a group" }),
    principal: z.string().trim().toLowerCase().min(1, "Enter an email, a UPN or an object id").max(320, "Enter an email, a UPN or an object id"),
    tenantRefs: z.array(z.string().uuid("Unknown tenant")).max(1000),
    actor: z.string().min(1),
  })
  .superRefine((value, ctx) => {
    if (value.kind === "group" && !GUID.test(value.principal))
      ctx.addIssue({
        code: "custom",
        path: ["principal"],
        message: "A group is named by its object id (a GUID, Entra admin center → Groups → the group → Object ID)",
      });
    if (value.kind === "user" && !GUID.test(value.principal) && !z.string().email().safeParse(value.principal).success)
      ctx.addIssue({ code: "custom", path: ["principal"], message: "A user is named by their email or UPN (name@domain) or their Entra object id (a GUID)" });
  });

export type SetAccessLimitResult =
  { ok: true; id: string; tenantRefs: string[] } | { ok: false; error: { code: "invalid-input" | "unknown-tenant"; message: string; path?: string } };

/**
 * Creates or replaces the limit of one user or group: afterwards they see exactly these tenants (none, if the list is
 * empty). Every tenant must exist. The change and the tenants before and after are audit-logged in the same transaction.
 */
export async function setAccessLimit(
  db: Db,
  input: { kind: string; principal: string; tenantRefs: readonly string[]; actor: string },
): Promise<SetAccessLimitResult> {
  const parsed = SetAccessLimitInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: { code: "invalid-input", message: issue?.message ?? "Invalid input", path: issue?.path.map(String).join(".") } };
  }
  const { kind, principal, actor } = parsed.data;
  const tenantRefs = [...new Set(parsed.data.tenantRefs)].sort();
  return db.$transaction(async (tx) => {
    const known = await tx.tenant.findMany({ where: { id: { in: tenantRefs } }, select: { id: true, name: true } });
    if (known.length !== tenantRefs.length)
      return { ok: false as const, error: { code: "unknown-tenant" as const, message: "A chosen tenant no longer exists" } };
    const before = await tx.accessLimit.findUnique({
      where: { kind_principal: { kind, principal } },
      select: { id: true, tenants: { select: { tenantRef: true } } },
    });
    const limit = before
      ? await tx.accessLimit.update({ where: { id: before.id }, data: { updatedBy: actor }, select: { id: true } })
      : await tx.accessLimit.create({ data: { kind, principal, updatedBy: actor }, select: { id: true } });
    await tx.accessLimitTenant.deleteMany({ where: { limitRef: limit.id } });
    if (tenantRefs.length > 0) await tx.accessLimitTenant.createMany({ data: tenantRefs.map((tenantRef) => ({ limitRef: limit.id, tenantRef })) });
    await writeAuditLog(tx, {
      actor,
      action: "access-limit.set",
      target: principal,
      detail: {
        kind,
        principal,
        tenants: known.map((t) => t.name).sort(),
        tenantRefs,
        previousTenantRefs: before ? before.tenants.map((t) => t.tenantRef).sort() : null,
      },
    });
    return { ok: true as const, id: limit.id, tenantRefs };
  });
}
