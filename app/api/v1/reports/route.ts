import { ApiError } from "@/lib/http/api-error";
import { apiHandler, toNextResponse } from "@/lib/http/api-handler";
import { clientAddressFromHeaders } from "@/lib/http/client-address";
import { readLimited } from "@/lib/http/read-json-body";
import { uploadReport } from "@/lib/ingest/upload-endpoint";

export const dynamic = "force-dynamic";

/**
 * Agents upload one report per run. See docs/api.md and public/agent/Invoke-JoinScopeAgent.ps1. The production
 * server answers this path on its Node fast path (lib/http/node-fast-path.ts) before Next.js routing; this
 * handler serves it under `next dev` and any server without that path. Both call uploadReport.
 */
export const POST = apiHandler(async (request) =>
  toNextResponse(
    await uploadReport({
      authorization: request.headers.get("authorization"),
      clientAddress: clientAddressFromHeaders(request.headers),
      contentType: request.headers.get("content-type"),
      contentLength: request.headers.get("content-length"),
      readBody: async (maxBytes) => {
        if (!request.body) throw new ApiError(400, "empty-body", "The request has no body");
        return readLimited(request.body, maxBytes);
      },
    }),
  ),
);
