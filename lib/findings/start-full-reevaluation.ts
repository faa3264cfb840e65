import "server-only";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log/logger";
import { reevaluateAllFindings } from "./reevaluate-findings";

const running = new Map<string, Promise<void>>();

/**
 * Re-evaluates every device of a tenant in the background after its rule settings or sync scope changed.
 * A request never waits for it; a second call while one runs queues exactly one more pass.
 */
export function startFullReevaluation(db: Db, tenantRef: string): void {
  const previous = running.get(tenantRef) ?? Promise.resolve();
  const next = previous
    .then(() => reevaluateAllFindings(db, tenantRef))
    .then(
      (r) => log("info", "findings re-evaluated after a settings change", { tenantRef, ...r }),
      (error: unknown) => log("error", "findings re-evaluation failed", { tenantRef, error: error instanceof Error ? error.message : String(error) }),
    )
    .finally(() => {
      if (running.get(tenantRef) === next) running.delete(tenantRef);
    });
  running.set(tenantRef, next);
}
