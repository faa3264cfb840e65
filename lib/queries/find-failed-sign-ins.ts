import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";

export interface FailedSignIn {
  id: string;
  at: string;
  /** As typed in the form (trimmed to its stored length): it may name no account at all. */
  email: string;
  address: string;
  /** invalid-credentials | disabled | locked */
  reason: string;
}

/** What lib/auth/admin-sessions.ts writes into an `admin.login.failed` entry; older or odd rows are shown as far as they parse. */
const Detail = z.object({
  email: z.string().catch(""),
  address: z.string().catch("unknown"),
  reason: z.string().catch("invalid-credentials"),
});

/** The newest failed dashboard sign-ins from the audit log, for Settings → Sign-in activity. */
export async function findFailedSignIns(db: Db, { limit = 20 }: { limit?: number } = {}): Promise<FailedSignIn[]> {
  const rows = await db.auditLog.findMany({
    where: { action: "admin.login.failed" },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(limit, 1), 200),
    select: { id: true, at: true, detail: true },
  });
  return rows.map((r) => {
    const detail = Detail.catch({ email: "", address: "unknown", reason: "invalid-credentials" }).parse(r.detail ?? {});
    return { id: r.id, at: r.at.toISOString(), ...detail };
  });
}
