/**
 * The certificate credential: a client assertion JWT signed with a certificate registered on the app, checked as
 * Entra checks it (https://learn.microsoft.com/entra/identity-platform/certificate-credentials): the `x5t#S256` or
 * `x5t` thumbprint names a registered certificate, its key verifies the signature, the assertion is in its validity
 * window, issued by and about the app, and addressed to this tenant's token endpoint.
 */
import type { RequestContext } from "../http/request-context";
import { decodeJwt, verifyJwtSignature } from "../jwt";
import type { RegisteredApp, TenantRuntime } from "../tenant-directory";
import { entraError } from "./entra-error";
import type { LoginServices } from "./login-services";

export function verifyClientAssertion(login: LoginServices, ctx: RequestContext, tenant: TenantRuntime, app: RegisteredApp, assertion: string): void {
  const { now } = login;
  const jwt = decodeJwt(assertion);
  if (!jwt) throw entraError(ctx, 401, "invalid_client", 50027, "JWT token is invalid or malformed.", now());
  const x5t256 = typeof jwt.header["x5t#S256"] === "string" ? Buffer.from(jwt.header["x5t#S256"], "base64url").toString("hex").toUpperCase() : null;
  const x5t = typeof jwt.header.x5t === "string" ? Buffer.from(jwt.header.x5t, "base64url").toString("hex").toUpperCase() : null;
  const registered = app.certs.find((c) => (x5t256 && c.sha256 === x5t256) || (x5t && c.sha1 === x5t));
  if (!registered) {
    throw entraError(
      ctx,
      401,
      "invalid_client",
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${x5t256 ?? x5t ?? ""}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`,
      now(),
    );
  }
  if (!verifyJwtSignature(jwt, registered.cert.publicKey)) {
    throw entraError(ctx, 401, "invalid_client", 700027, "Client assertion failed signature validation.", now());
  }
  const p = jwt.payload;
  const nowSec = Math.floor(now() / 1000);
  if (typeof p.exp !== "number" || p.exp < nowSec - 300 || (typeof p.nbf === "number" && p.nbf > nowSec + 300)) {
    throw entraError(ctx, 401, "invalid_client", 700024, "Client assertion is not within its valid time range.", now());
  }
  if (p.iss !== app.clientId || p.sub !== app.clientId) {
    throw entraError(ctx, 401, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter.", now());
  }
  const aud = typeof p.aud === "string" ? p.aud : "";
  if (!/\/oauth2\/(v2\.0\/)?token\/?$/.test(aud) || !aud.toLowerCase().startsWith(ctx.origin.toLowerCase())) {
    throw entraError(ctx, 401, "invalid_client", 700212, `Client assertion audience claim does not match Realm issuer (got '${aud}').`, now());
  }
  const tenantInAud = aud.slice(ctx.origin.length + 1).split("/")[0] ?? "";
  if (login.directory.find(tenantInAud) !== tenant) {
    throw entraError(ctx, 401, "invalid_client", 700212, `Client assertion audience claim does not match Realm issuer (got '${aud}').`, now());
  }
}
