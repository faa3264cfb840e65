import { enrolDevice } from "@/lib/agent-devices/enrol-endpoint";
import { agentRequestFromFetch } from "@/lib/http/agent-request";
import { apiHandler, toNextResponse } from "@/lib/http/api-handler";

export const dynamic = "force-dynamic";

/** An agent enrols with the deployed secret and gets a key of its own (docs/api.md, decision 011). */
export const POST = apiHandler(async (request) => toNextResponse(await enrolDevice(agentRequestFromFetch(request))));
