import { cookies } from "next/headers";
import { NextResponse } from "next/server";
import { z } from "zod";
import { findAdminBySession, SESSION_COOKIE } from "@/lib/auth/admin-sessions";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/http/api-error";
import { apiHandler } from "@/lib/http/api-handler";
import { findSyncRuns, hasLiveRun } from "@/lib/queries/find-sync-runs";

export const dynamic = "force-dynamic";

const Query = z.object({ tenant: z.string().uuid("tenant is the tenant's JoinScope id (a UUID)") });

/** The Sync page polls this while a run is live. Dashboard session only (the cookie), never an agent token. */
export const GET = apiHandler(async (request) => {
  const admin = await findAdminBySession(db, (await cookies()).get(SESSION_COOKIE)?.value);
  if (!admin) throw new ApiError(401, "unauthenticated", "Sign in to the dashboard first");
  const query = Query.safeParse({ tenant: new URL(request.url).searchParams.get("tenant") ?? undefined });
  if (!query.success) throw new ApiError(400, "invalid-query", query.error.issues[0]?.message ?? "Invalid query", query.error.issues);
  const tenant = await db.tenant.findUnique({ where: { id: query.data.tenant }, select: { id: true } });
  if (!tenant) throw new ApiError(404, "not-found", "No such tenant");
  const runs = await findSyncRuns(db, { tenantRef: tenant.id, take: 10 });
  return NextResponse.json({ running: hasLiveRun(runs), runs }, { headers: { "cache-control": "no-store" } });
});
