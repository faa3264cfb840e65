import "server-only";
import { z } from "zod";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db } from "@/lib/db/client";
import { SUMMARY_VERSION } from "@/lib/device-summary/summary-version";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const CreateTenantInput = z.object({
  tenantId: z.string().trim().toLowerCase().regex(GUID, "The tenant id is a GUID, e.g. aaaabbbb-0000-cccc-1111-dddd2222eeee (Entra admin center → Overview)"),
  name: z.string().trim().min(1, "Give the tenant a name").max(200),
  actor: z.string().min(1),
});

export type CreateTenantResult =
  | { ok: true; id: string }
  | { ok: false; error: { code: "invalid-input" | "duplicate"; message: string; /** The input the message is about. */ path?: (string | number)[] } };

/** Registers a tenant for report ingestion. Graph credentials are added separately (sync). */
export async function createTenant(db: Db, input: z.input<typeof CreateTenantInput>): Promise<CreateTenantResult> {
  const parsed = CreateTenantInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: { code: "invalid-input", message: issue?.message ?? "Invalid input", path: issue?.path.map((p) => (typeof p === "symbol" ? String(p) : p)) },
    };
  }
  const { tenantId, name, actor } = parsed.data;
  return db.$transaction(async (tx) => {
    const existing = await tx.tenant.findUnique({ where: { tenantId }, select: { id: true } });
    if (existing) return { ok: false as const, error: { code: "duplicate" as const, message: `Tenant ${tenantId} is already registered` } };
    // A new tenant has no device yet: its (empty) summaries are current.
    const row = await tx.tenant.create({ data: { tenantId, name, summaryVersion: SUMMARY_VERSION }, select: { id: true } });
    await writeAuditLog(tx, { actor, action: "tenant.create", tenantRef: row.id, target: tenantId, detail: { name } });
    return { ok: true as const, id: row.id };
  });
}
