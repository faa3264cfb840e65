/**
 * `POST /{tenant}/oauth2/v2.0/token`: the OAuth 2.0 client credentials grant
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow), with a client secret (in
 * the body or as HTTP Basic) or a client assertion, for one `<resource>/.default` scope.
 */
import { timingSafeEqual } from "node:crypto";
import { readBody } from "../http/read-body";
import type { RequestContext } from "../http/request-context";
import { GRAPH_APP_ID, GRAPH_RESOURCE, graphAudiences } from "./access-tokens";
import { verifyClientAssertion } from "./client-assertion";
import { entraError, tenantNotFound } from "./entra-error";
import type { LoginServices } from "./login-services";
import { redeemAuthorizationCode } from "./authorize";
import type { RegisteredApp, TenantRuntime } from "../tenant-directory";

export async function answerTokenRequest(login: LoginServices, ctx: RequestContext, segment: string): Promise<unknown> {
  const { now } = login;
  const raw = await readBody(ctx.req);
  const form = new URLSearchParams(raw);
  // client_secret_basic is allowed too.
  const basic = /^Basic\s+(.+)$/i.exec(ctx.req.headers.authorization ?? "");
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const unescape = (v: string) => {
      try {
        return decodeURIComponent(v.replaceAll("+", " "));
      } catch {
        return v;
      }
    };
    if (colon > 0) {
      if (!form.has("client_id")) form.set("client_id", unescape(decoded.slice(0, colon)));
      if (!form.has("client_secret")) form.set("client_secret", unescape(decoded.slice(colon + 1)));
    }
  }
  const tenant = login.directory.find(segment);
  if (!tenant) throw tenantNotFound(ctx, segment, now());
  ctx.tenantId = tenant.config.tenantId;
  const grantType = form.get("grant_type");
  if (grantType !== "client_credentials" && grantType !== "authorization_code") {
    throw entraError(ctx, 400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType ?? ""}'.`, now());
  }
  const clientId = form.get("client_id");
  if (!clientId) throw entraError(ctx, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.", now());
  const app = tenant.apps.get(clientId.toLowerCase());
  if (!app) {
    throw entraError(
      ctx,
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.config.tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      now(),
    );
  }
  if (grantType === "authorization_code") {
    authenticateClient(login, ctx, tenant, app, form);
    return redeemAuthorizationCode(login, ctx, tenant, app, form);
  }
  const scope = form.get("scope") ?? "";
  const scopes = scope.split(/\s+/).filter(Boolean);
  if (scopes.length !== 1 || !scopes[0]!.endsWith("/.default")) {
    throw entraError(
      ctx,
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      now(),
    );
  }
  const resource = scopes[0]!.slice(0, -"/.default".length).replace(/\/$/, "");
  if (!graphAudiences(ctx.origin).some((r) => r.toLowerCase() === resource.toLowerCase())) {
    throw entraError(
      ctx,
      400,
      "invalid_resource",
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant.config.tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      now(),
    );
  }

  const appidacr = authenticateClient(login, ctx, tenant, app, form);
  const audience = resource === GRAPH_APP_ID ? GRAPH_RESOURCE : resource;
  const { token, expiresIn } = login.accessTokens.issue({ tenant, app, audience, appidacr });
  return { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token };
}

/** The client's proof: a client assertion JWT ("2", certificate) or its secret ("1"), as Entra checks them. */
function authenticateClient(login: LoginServices, ctx: RequestContext, tenant: TenantRuntime, app: RegisteredApp, form: URLSearchParams): "1" | "2" {
  const { now } = login;
  const secret = form.get("client_secret");
  const assertion = form.get("client_assertion");
  if (assertion) {
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
      throw entraError(
        ctx,
        400,
        "invalid_request",
        50027,
        "JWT token is invalid or malformed (client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer).",
        now(),
      );
    }
    verifyClientAssertion(login, ctx, tenant, app, assertion);
    return "2";
  } else if (secret !== null) {
    const expected = Buffer.from(app.clientSecret ?? "");
    const given = Buffer.from(secret);
    if (!app.clientSecret || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw entraError(
        ctx,
        401,
        "invalid_client",
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
        now(),
      );
    }
    if (app.secretExpired) {
      // https://learn.microsoft.com/entra/identity-platform/reference-error-codes: AADSTS7000222, InvalidClientSecretExpiredKeysProvided.
      throw entraError(
        ctx,
        401,
        "invalid_client",
        7000222,
        `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
        now(),
      );
    }
    return "1";
  } else {
    throw entraError(
      ctx,
      401,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      now(),
    );
  }
}
