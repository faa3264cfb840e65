import "server-only";
import type { DirectDb } from "@/lib/db/direct";
import type { Finding } from "@/lib/rules/types";
import { parseSignInFindings } from "@/lib/signins/stored-findings";

/**
 * One stored sign-in's explanation (its findings: title, evidence, fix), for the Sign-ins view's "Why, and the fix",
 * which loads it when opened instead of sending every event's explanation with the page. Null when the tenant holds
 * no sign-in with this id.
 */
export async function findSignInFindings(direct: DirectDb, options: { tenantRef: string; id: string }): Promise<Finding[] | null> {
  const rows = await direct.query<{ findings: string }>(`SELECT "findings" FROM "SignInEvent" WHERE "tenantRef" = ? AND "id" = ?`, [
    options.tenantRef,
    options.id,
  ]);
  return rows[0] ? parseSignInFindings(rows[0].findings) : null;
}
