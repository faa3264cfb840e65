import { NextResponse } from "next/server";
import { authenticateAgentToken } from "@/lib/agent-tokens/authenticate-agent-token";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/http/api-error";
import { apiHandler } from "@/lib/http/api-handler";
import { readJsonBody } from "@/lib/http/read-json-body";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { consumeUploadBudget } from "@/lib/ingest/rate-limit";

export const dynamic = "force-dynamic";

/** Agents upload one report per run. See docs/api.md and public/agent/Invoke-JoinScopeAgent.ps1. */
export const POST = apiHandler(async (request) => {
  const auth = await authenticateAgentToken(db, request.headers.get("authorization"));
  if (!auth.ok) {
    throw new ApiError(401, auth.error.code, auth.error.message, undefined, { "WWW-Authenticate": 'Bearer realm="joinscope-agent"' });
  }
  const budget = await consumeUploadBudget(auth.agent.tokenId);
  if (!budget.allowed) {
    throw new ApiError(429, "rate-limited", `Too many uploads for this token; retry in ${budget.retryAfterSeconds} s`, undefined, {
      "Retry-After": String(budget.retryAfterSeconds),
    });
  }
  const body = await readJsonBody(request, config.JOINSCOPE_INGEST_MAX_BYTES);
  const result = await ingestReport(db, { agent: auth.agent, body });
  if (!result.ok) throw new ApiError(400, result.error.code, result.error.message, result.error.details);
  const { report } = result;
  return NextResponse.json(
    { reportId: report.reportId, deviceId: report.deviceId, joinType: report.joinType, duplicate: report.duplicate, findings: report.findings },
    { status: report.duplicate ? 200 : 201 },
  );
});
