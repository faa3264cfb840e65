import "server-only";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log/logger";
import { pullSignIns } from "./pull-sign-ins";

/**
 * The sign-in pull that follows a successful directory sync (the scheduler's and "Sync now"): it never throws and
 * never fails the sync; its status (a missing licence or permission in plain words) is on the Sync page.
 */
export async function pullSignInsAfterSync(db: Db, tenantRef: string): Promise<void> {
  try {
    const r = await pullSignIns(db, { tenantRef });
    const fields = { tenantRef, status: r.status, pages: r.pages, seen: r.seen, stored: r.stored, rejoined: r.rejoined, ms: r.elapsedMs };
    if (r.status === "ok" || r.status === "already-running") log("info", "sign-in pull finished", fields);
    else log("warn", "sign-in pull did not complete", { ...fields, error: r.message });
  } catch (error) {
    log("error", "sign-in pull crashed", { tenantRef, error: error instanceof Error ? error.message : String(error) });
  }
}
