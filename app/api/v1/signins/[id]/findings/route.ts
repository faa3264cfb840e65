import { NextResponse } from "next/server";
import { z } from "zod";
import { directDb } from "@/lib/db/direct";
import { ApiError } from "@/lib/http/api-error";
import { adminRoute } from "@/lib/http/admin-route";
import { findSignInFindings } from "@/lib/queries/find-sign-in-findings";

export const dynamic = "force-dynamic";

const Params = z.object({ id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "id is a blocked sign-in's JoinScope id") });

/**
 * GET /api/v1/signins/{id}/findings[?tenant=ID] — why Conditional Access refused one stored sign-in, and the fix: its
 * findings (rule, severity, title, explanation, evidence, remediation), root cause first. The Sign-ins view loads it
 * when an event is opened. Dashboard session only; 404 when the tenant holds no such sign-in.
 */
export const GET = adminRoute({ params: Params, tenant: true }, async (_request, { params, tenant }) => {
  const findings = await findSignInFindings(directDb(), { tenantRef: tenant.id, id: params.id.toLowerCase() });
  if (!findings) throw new ApiError(404, "not-found", "No blocked sign-in with this id in this tenant");
  return NextResponse.json({ id: params.id.toLowerCase(), findings }, { headers: { "cache-control": "no-store" } });
});
