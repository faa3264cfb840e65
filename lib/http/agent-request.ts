import { ApiError } from "./api-error";
import { clientAddressFromHeaders } from "./client-address";
import { readLimited, type JsonRequestHead } from "./read-json-body";

/**
 * A request to one of the agents' endpoints (upload, enrol, key), independent of the server that received it: the
 * Node fast path (lib/ingest/node-fast-path.ts) or a Next.js route handler (agentRequestFromFetch).
 */
export interface AgentRequest extends JsonRequestHead {
  authorization: string | null;
  /** The client's address (lib/http/client-address.ts), which failed authentications are counted against. */
  clientAddress: string;
  /** Reads the body, throwing ApiError 413 as soon as it passes `maxBytes`. */
  readBody(maxBytes: number): Promise<Buffer>;
}

/** A route handler's Request as an AgentRequest. */
export function agentRequestFromFetch(request: Request): AgentRequest {
  return {
    authorization: request.headers.get("authorization"),
    clientAddress: clientAddressFromHeaders(request.headers),
    contentType: request.headers.get("content-type"),
    contentLength: request.headers.get("content-length"),
    readBody: async (maxBytes) => {
      if (!request.body) throw new ApiError(400, "empty-body", "The request has no body");
      return readLimited(request.body, maxBytes);
    },
  };
}
