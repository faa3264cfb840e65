import { cookies } from "next/headers";
import { findAdminBySession, SESSION_COOKIE } from "@/lib/auth/admin-sessions";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/http/api-error";
import { apiHandler } from "@/lib/http/api-handler";
import { findReportText } from "@/lib/queries/find-report-text";

export const dynamic = "force-dynamic";

const ID = /^[0-9a-f-]{36}$/i;

/**
 * GET /reports/{id}/raw[?capture=system] — a stored capture as plain text, for the report page's "Open the raw
 * text" link: the page renders only the start of a long capture. Dashboard session only (the cookie).
 */
export const GET = apiHandler<{ id: string }>(async (request, { params }) => {
  const jar = await cookies();
  const admin = await findAdminBySession(db, jar.get(SESSION_COOKIE)?.value);
  if (!admin) throw new ApiError(401, "unauthenticated", "Sign in to the dashboard first");
  const capture = new URL(request.url).searchParams.get("capture") === "system" ? "system" : "user";
  const text = ID.test(params.id) ? await findReportText(db, { id: params.id, capture }) : null;
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
