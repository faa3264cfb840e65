import "server-only";
import type { Db } from "@/lib/db/client";

/** One stored capture's raw text (the user session's or the SYSTEM one), or null for an unknown report or capture. */
export async function findReportText(db: Db, options: { id: string; capture: "user" | "system" }): Promise<string | null> {
  const row = await db.deviceReport.findUnique({
    where: { id: options.id },
    select: { dsregcmdText: options.capture === "user", systemText: options.capture === "system" },
  });
  if (!row) return null;
  return (options.capture === "user" ? row.dsregcmdText : row.systemText) ?? null;
}
