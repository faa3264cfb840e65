/**
 * The metadata MSAL reads before it asks for a token: the tenant's OpenID configuration and the instance discovery
 * answer (https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc).
 */
import type { RequestContext } from "../http/request-context";
import { tenantNotFound } from "./entra-error";
import type { LoginServices } from "./login-services";

export function openIdConfiguration(login: LoginServices, ctx: RequestContext, segment: string): unknown {
  const generic = ["common", "organizations", "consumers"].includes(segment.toLowerCase());
  const tenant = generic ? undefined : login.directory.find(segment);
  if (!generic && !tenant) throw tenantNotFound(ctx, segment, login.now(), "invalid_tenant");
  const tid = tenant ? tenant.config.tenantId : "{tenantid}";
  const pathTenant = tenant ? tenant.config.tenantId : segment;
  const o = ctx.origin;
  return {
    token_endpoint: `${o}/${pathTenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${o}/${pathTenant}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${o}/${tid}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${ctx.origin}/oidc/userinfo`,
    authorization_endpoint: `${o}/${pathTenant}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${o}/${pathTenant}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${o}/${pathTenant}/oauth2/v2.0/logout`,
    claims_supported: [
      "sub",
      "iss",
      "cloud_instance_name",
      "cloud_instance_host_name",
      "cloud_graph_host_name",
      "msgraph_host",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "preferred_username",
      "name",
      "tid",
      "ver",
      "at_hash",
      "c_hash",
      "email",
    ],
    kerberos_endpoint: `${o}/${pathTenant}/kerberos`,
    tenant_region_scope: tenant ? "EU" : null,
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: new URL(o).host,
    rbac_url: "https://pas.windows.net",
  };
}

/** The simulator is its own only alias, so MSAL (given it as a known authority) never calls login.microsoftonline.com. */
export function instanceDiscovery(ctx: RequestContext): unknown {
  const host = new URL(ctx.origin).host;
  return {
    tenant_discovery_endpoint: `${ctx.origin}/{tenant}/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
