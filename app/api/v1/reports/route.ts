import { agentRequestFromFetch } from "@/lib/http/agent-request";
import { apiHandler, toNextResponse } from "@/lib/http/api-handler";
import { uploadReport } from "@/lib/ingest/upload-endpoint";

export const dynamic = "force-dynamic";

/**
 * Agents upload one report per run. See docs/api.md and public/agent/Invoke-JoinScopeAgent.ps1. The production
 * server answers this path on its Node fast path (lib/ingest/node-fast-path.ts) before Next.js routing; this
 * handler serves it under `next dev` and any server without that path. Both call uploadReport.
 */
export const POST = apiHandler(async (request) => toNextResponse(await uploadReport(agentRequestFromFetch(request))));
