/**
 * The response headers every JoinScope response carries. Plain constants and builders with no imports, so that
 * next.config.ts, proxy.ts, the API handler and the Node fast path (lib/ingest/node-fast-path.ts) share one copy.
 *
 * Pages get a per-request nonce policy from proxy.ts (pageContentSecurityPolicy); everything else (API JSON, the
 * agent script, static files) gets NON_PAGE_CONTENT_SECURITY_POLICY, which allows nothing: such a response is never
 * meant to run or load anything in a browser.
 */

/**
 * Browser features the dashboard never uses, switched off for it and anything it could embed
 * (https://developer.mozilla.org/docs/Web/HTTP/Reference/Headers/Permissions-Policy,
 * https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html#permissions-policy-formerly-feature-policy).
 * Only features Chromium recognises: an unknown one is reported as an error in the console.
 */
export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "serial=()",
  "usb=()",
].join(", ");

/** For responses that are not pages: nothing may load, run, frame it or be framed. */
export const NON_PAGE_CONTENT_SECURITY_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * One year, subdomains included, no preload: OWASP's recommendation
 * (https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html). Sent only when
 * the dashboard is served over HTTPS (lib/http/public-origin.ts decides that from configuration, never from a
 * client's header): over plain HTTP browsers ignore it, and it would tell nothing true.
 */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

/** Headers that do not depend on the request: next.config.ts sets them on every path, the fast path on its answers. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "Permissions-Policy": PERMISSIONS_POLICY,
};

/**
 * A page's policy, Next.js's documented nonce pattern (https://nextjs.org/docs/app/guides/content-security-policy):
 * Next.js reads the nonce from this header on the request and puts it on its own scripts; 'strict-dynamic' lets
 * those scripts load the chunks they import. No 'unsafe-eval' and no 'unsafe-inline' in production; `next dev`
 * needs 'unsafe-eval' (React rebuilds server error stacks with eval) and inline styles (its error overlay), as the
 * Next.js guide says. upgrade-insecure-requests only over HTTPS: on a plain-HTTP server it would send the page's
 * own subresource requests to an https:// address that does not exist.
 */
export function pageContentSecurityPolicy(nonce: string, options: { https: boolean; development: boolean }): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' ${options.development ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** A fresh nonce per page request: 128 random bits, base64 (CSP's nonce-source grammar). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
