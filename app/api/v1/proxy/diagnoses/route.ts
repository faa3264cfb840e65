import { NextResponse } from "next/server";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/http/api-error";
import { adminRoute } from "@/lib/http/admin-route";
import { checkJsonRequest, parseJsonBody, readLimited } from "@/lib/http/read-json-body";
import { PROXY_SAVE_MAX_BODY_BYTES } from "@/lib/proxy/proxy-read-schema";
import { saveProxyDiagnosis } from "@/lib/proxy/save-proxy-diagnosis";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/proxy/diagnoses — saves an Application Proxy diagnosis for the selected tenant (or `?tenant=`), as the
 * Proxy diagnostics page does: `{ title, reads }`, the reads as POST /api/v1/proxy/files answered them. The server
 * checks them and diagnoses them again (lib/proxy/save-proxy-diagnosis.ts, decision 028); audit-logged. 201
 * `{ id, title, worstSeverity, findingCount }`; 400 `invalid-input` or 413 `too-large` with the reason.
 *
 * A route, not a server action: the session and the Operator role are checked before a byte of the body is read, and
 * only this endpoint takes megabytes (server actions keep Next.js's 1 MB bound, read before any action's own check).
 */
export const POST = adminRoute({ role: "Operator", tenant: true }, async (request, { admin, tenant }) => {
  checkJsonRequest({ contentType: request.headers.get("content-type"), contentLength: request.headers.get("content-length") }, PROXY_SAVE_MAX_BODY_BYTES);
  if (!request.body) throw new ApiError(400, "empty-body", "The request has no body");
  const input = parseJsonBody(await readLimited(request.body, PROXY_SAVE_MAX_BODY_BYTES));
  const result = await saveProxyDiagnosis(db, { tenantRef: tenant.id, actor: admin.email, input });
  if (!result.ok) throw new ApiError(result.error.code === "too-large" ? 413 : 400, result.error.code, result.error.message);
  const { id, title, worstSeverity, findingCount } = result;
  return NextResponse.json({ id, title, worstSeverity, findingCount }, { status: 201, headers: { "cache-control": "no-store" } });
});
