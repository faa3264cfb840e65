import type { IncomingHttpHeaders } from "node:http";
export function applyForwardedHeaderPolicy(headers: IncomingHttpHeaders, trustProxy: boolean): IncomingHttpHeaders;
