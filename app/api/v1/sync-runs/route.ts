import { NextResponse } from "next/server";
import { db } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { findSyncRuns, hasLiveRun } from "@/lib/queries/find-sync-runs";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/sync-runs[?tenant=ID] — the tenant's last ten sync runs; the Sync page polls it while a run is live.
 * Dashboard session only (the cookie), never an agent token. Without `tenant`, the tenant selected in the header.
 */
export const GET = adminRoute({ role: "Reader", tenant: true }, async (_request, { tenant }) => {
  const runs = await findSyncRuns(db, { tenantRef: tenant.id, take: 10 });
  return NextResponse.json({ running: hasLiveRun(runs), runs }, { headers: { "cache-control": "no-store" } });
});
