// What scripts/serve.mjs does with a request's forwarded headers before anything reads them.

/** Headers in which a proxy describes the client's connection. */
const FORWARDED_HEADERS = ["forwarded", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-for", "x-forwarded-port"];
/** Those whose first entry Next.js reads, where a proxy that appends would leave the client's own claim first. */
const LAST_ENTRY_ONLY = ["x-forwarded-host", "x-forwarded-proto"];

/**
 * Without a proxy the operator declared (JOINSCOPE_TRUST_PROXY), forwarded headers are whatever the client wrote:
 * they are removed, and Next.js fills in its own from the connection (Host, the socket). Behind one, X-Forwarded-Host
 * and -Proto keep only their last entry, the one the nearest proxy wrote, as lib/http/public-origin.ts reads them:
 * Next.js's server-action CSRF check takes X-Forwarded-Host's FIRST entry
 * (https://nextjs.org/docs/app/api-reference/config/next-config-js/serverActions), which behind a proxy that appends
 * would be the client's. X-Forwarded-For stays whole: lib/http/client-address.ts reads its last entry itself.
 * Mutates and returns Node's IncomingMessage.headers.
 */
export function applyForwardedHeaderPolicy(headers, trustProxy) {
  if (!trustProxy) {
    for (const name of FORWARDED_HEADERS) delete headers[name];
    return headers;
  }
  for (const name of LAST_ENTRY_ONLY) {
    const value = headers[name];
    if (typeof value === "string") headers[name] = value.split(",").at(-1).trim();
  }
  return headers;
}
