import { z } from "zod";
import { db } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { ApiError } from "@/lib/http/api-error";
import { findReportText } from "@/lib/queries/find-report-text";

export const dynamic = "force-dynamic";

const ID = /^[0-9a-f-]{36}$/i;
const Params = z.object({ id: z.string().max(100) });

/**
 * GET /reports/{id}/raw[?capture=system] — a stored capture as plain text, for the report page's "Open the raw
 * text" link: the page renders only the start of a long capture. Dashboard session only (the cookie), any role; 404
 * for another tenant's report when the caller's access is limited (decision 027).
 */
export const GET = adminRoute({ role: "Reader", params: Params }, async (request, { admin, params }) => {
  const capture = new URL(request.url).searchParams.get("capture") === "system" ? "system" : "user";
  const text = ID.test(params.id) ? await findReportText(db, { id: params.id, capture, tenantScope: admin.tenantScope }) : null;
  if (text === null) throw new ApiError(404, "not-found", "No such report or capture");
  return new Response(text, {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `inline; filename="dsregcmd-${capture}-${params.id}.txt"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
