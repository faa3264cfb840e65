import { config } from "@/lib/config";

/**
 * The header scripts/serve.mjs sets on every request from the connection's own remote address, after removing any
 * copy the client sent. Next.js route handlers and server actions cannot see the socket, so they read it here.
 */
export const CLIENT_ADDRESS_HEADER = "x-joinscope-client-address";

export interface ClientAddressSource {
  /** The socket's remote address (Node fast path), or the header serve.mjs set (Next.js). */
  remoteAddress: string | null | undefined;
  /** X-Forwarded-For as received. */
  forwardedFor: string | null | undefined;
}

/**
 * The address a per-client limit keys on. X-Forwarded-For is the client's own claim unless a trusted reverse proxy
 * (JOINSCOPE_TRUST_PROXY) set it; then its last entry is the address that proxy saw. Without either, all such
 * requests share one bucket ("unknown"), which is stricter, never looser.
 */
export function clientAddress(source: ClientAddressSource, trustProxy: boolean = config.JOINSCOPE_TRUST_PROXY): string {
  if (trustProxy && source.forwardedFor) {
    const last = source.forwardedFor.split(",").at(-1)?.trim();
    if (last) return normalizeAddress(last);
  }
  return source.remoteAddress ? normalizeAddress(source.remoteAddress) : "unknown";
}

/** From a request's headers (Next.js): the address serve.mjs recorded, or a trusted proxy's. */
export function clientAddressFromHeaders(headers: Pick<Headers, "get">, trustProxy: boolean = config.JOINSCOPE_TRUST_PROXY): string {
  return clientAddress({ remoteAddress: headers.get(CLIENT_ADDRESS_HEADER), forwardedFor: headers.get("x-forwarded-for") }, trustProxy);
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client; anything else is kept as text, bounded. */
function normalizeAddress(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "").slice(0, 64);
}
