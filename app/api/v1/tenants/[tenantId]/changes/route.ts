import { NextResponse } from "next/server";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { summarizeChanges } from "@/lib/queries/summarize-changes";
import { ApiError } from "@/lib/http/api-error";
import { adminRoute } from "@/lib/http/admin-route";
import { canSeeTenant } from "@/lib/auth/tenant-scope";

export const dynamic = "force-dynamic";

const Params = z.object({ tenantId: z.string().trim().toLowerCase().uuid("tenantId is the Entra tenant id (a GUID)") });
const Query = z.object({
  since: z.iso
    .datetime({ offset: true, message: "since must be an ISO 8601 date-time, e.g. 2025-03-09T11:00:00Z" })
    .transform((s) => new Date(s))
    .optional(),
});

/**
 * GET /api/v1/tenants/{tenantId}/changes[?since=ISO] — findings opened, resolved and reopened since the
 * previous successful sync (or `since`). Dashboard session only (the cookie), never an agent token; 404 for a tenant
 * the caller may not see.
 */
export const GET = adminRoute({ role: "Reader", params: Params, query: Query }, async (_request, { admin, params, query }) => {
  const tenant = await db.tenant.findUnique({ where: { tenantId: params.tenantId }, select: { id: true, tenantId: true } });
  // A tenant outside the caller's access limit (decision 027) is answered as an unknown one.
  if (!tenant || !canSeeTenant(admin.tenantScope, tenant.id)) throw new ApiError(404, "not-found", "No tenant with this id is registered");

  const summary = await summarizeChanges(db, { tenantRef: tenant.id, since: query.since });
  return NextResponse.json(
    {
      tenantId: tenant.tenantId,
      since: summary.since,
      until: summary.until,
      sinceSource: summary.sinceSource,
      counts: summary.counts,
      opened: summary.opened,
      resolved: summary.resolved,
      reopened: summary.reopened,
    },
    { headers: { "cache-control": "no-store" } },
  );
});
