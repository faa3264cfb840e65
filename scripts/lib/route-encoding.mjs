// A route handler's own Content-Encoding (decision 036). Next.js 16 drops `content-encoding` from a route handler's
// Response (next/dist/server/send-response.js, FORBIDDEN_HEADERS: it guards against a body fetch already decoded),
// so a route that compresses its own body (the CSV and JSON Lines exports) names its encoding in
// CONTENT_ENCODING_MARK instead, and the production server (scripts/serve.mjs) sends that as `content-encoding`.
// A route compresses only when the request says this server will do so (SERVER_ENCODES_HEADER, set here and never
// taken from the client): under `next dev` or any other server it leaves its body as it is.
// lib/export/export-encoding.ts names the same two headers.

export const SERVER_ENCODES_HEADER = "x-joinscope-server-encodes";
export const CONTENT_ENCODING_MARK = "x-joinscope-content-encoding";

/**
 * For one request: tell the routes this server sends their encoding, and send a route's mark as `content-encoding`.
 * Every header Next.js writes goes through setHeader (its NodeNextResponse), before the response's head is written,
 * so its own compression then sees `content-encoding` and leaves the body alone ("already encoded").
 */
export function letRoutesEncode(req, res) {
  req.headers[SERVER_ENCODES_HEADER] = "1";
  const setHeader = res.setHeader;
  res.setHeader = function (name, value) {
    return setHeader.call(this, typeof name === "string" && name.toLowerCase() === CONTENT_ENCODING_MARK ? "content-encoding" : name, value);
  };
}
