import { rotateKey } from "@/lib/agent-devices/key-endpoint";
import { agentRequestFromFetch } from "@/lib/http/agent-request";
import { apiHandler, toNextResponse } from "@/lib/http/api-handler";

export const dynamic = "force-dynamic";

/** An enrolled agent replaces its device key (docs/api.md, decision 011). */
export const POST = apiHandler(async (request) => toNextResponse(await rotateKey(agentRequestFromFetch(request))));
