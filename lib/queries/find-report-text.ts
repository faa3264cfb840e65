import "server-only";
import type { Db } from "@/lib/db/client";
import { tenantScopeWhere, type TenantScope } from "@/lib/auth/tenant-scope";
import { storedText } from "@/lib/reports/stored-report-body";

/**
 * One stored capture's raw text (the user session's or the SYSTEM one), or null for an unknown report or capture, or
 * an old state change whose text retention dropped (decision 013), or a report of a tenant outside `tenantScope`
 * (decision 027).
 */
export async function findReportText(db: Db, options: { id: string; capture: "user" | "system"; tenantScope: TenantScope }): Promise<string | null> {
  const user = options.capture === "user";
  const row = await db.deviceReport.findUnique({
    where: { id: options.id, ...tenantScopeWhere(options.tenantScope) },
    select: { dsregcmdText: user, textZ: user, systemText: !user, systemTextZ: !user },
  });
  if (!row) return null;
  return user
    ? storedText({ parsed: null, text: row.dsregcmdText ?? null, textZ: row.textZ ?? null })
    : storedText({ parsed: null, text: row.systemText ?? null, textZ: row.systemTextZ ?? null });
}
