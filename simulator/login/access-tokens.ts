/**
 * The access tokens the token endpoint issues and Graph accepts: v1.0 app-only JWTs shaped like Entra's
 * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference), signed with a key made
 * at start-up and published at the JWKS endpoint.
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { decodeJwt, signJwt, verifyJwtSignature, type JwtPayload } from "../jwt";
import type { SimApp, TenantRuntime } from "../tenant-directory";

export const GRAPH_RESOURCE = "https://graph.microsoft.com";
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/**
 * The resources a token may be asked for and the audiences Graph accepts: Graph's URI or app id, or the simulator
 * itself (`origin`, the host the client called), since a "custom" cloud's scope is `<graph base URL>/.default`.
 */
export function graphAudiences(origin: string): string[] {
  return [GRAPH_RESOURCE, GRAPH_APP_ID, origin, `https://${new URL(origin).hostname}`];
}

export interface IssueAccessTokenOptions {
  tenant: TenantRuntime;
  app: SimApp;
  audience: string;
  /** "1": the app proved itself with a secret, "2": with a certificate. */
  appidacr: "1" | "2";
  /** Default: the simulator's token lifetime. */
  lifetimeSeconds?: number;
}

export type ReadAccessToken = { ok: true; payload: JwtPayload } | { ok: false; reason: "malformed" | "invalid-signature" };

export interface AccessTokens {
  issue(options: IssueAccessTokenOptions): { token: string; expiresIn: number };
  /** The token's claims when it is a JWT this simulator signed; its audience and lifetime are the caller's to check. */
  read(token: string): ReadAccessToken;
  /** The JWKS document (`/discovery/v2.0/keys`). */
  jwks(): unknown;
  /** Signs other claims (an ID token) with the same published key, as Entra signs its ID and access tokens. */
  sign(payload: JwtPayload): string;
}

export function createAccessTokens(options: { lifetimeSeconds: number; now: () => number }): AccessTokens {
  const { now } = options;
  const { privateKey: signingKey, publicKey: signingPublicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signingKid = randomUUID().replaceAll("-", "").slice(0, 27);

  return {
    issue: (opts) => {
      const iat = Math.floor(now() / 1000);
      const lifetime = opts.lifetimeSeconds ?? options.lifetimeSeconds;
      const tid = opts.tenant.config.tenantId;
      const payload: JwtPayload = {
        aud: opts.audience,
        iss: `https://sts.windows.net/${tid}/`,
        iat,
        nbf: iat,
        exp: iat + lifetime,
        aio: randomUUID(),
        app_displayname: opts.app.displayName ?? "JoinScope",
        appid: opts.app.clientId,
        appidacr: opts.appidacr,
        idp: `https://sts.windows.net/${tid}/`,
        idtyp: "app",
        oid: randomUUID(),
        rh: "0.simulated.",
        roles: [...opts.app.permissions],
        sub: opts.app.clientId,
        tenant_region_scope: "EU",
        tid,
        uti: randomUUID().replaceAll("-", "").slice(0, 22),
        ver: "1.0",
        xms_tcdt: 1600000000,
      };
      return { token: signJwt({ kid: signingKid, x5t: signingKid }, payload, signingKey), expiresIn: lifetime };
    },
    read: (token) => {
      const jwt = decodeJwt(token);
      if (!jwt) return { ok: false, reason: "malformed" };
      if (jwt.header.kid !== signingKid || !verifyJwtSignature(jwt, signingPublicKey)) return { ok: false, reason: "invalid-signature" };
      return { ok: true, payload: jwt.payload };
    },
    sign: (payload) => signJwt({ kid: signingKid }, payload, signingKey),
    jwks: () => {
      const jwk = signingPublicKey.export({ format: "jwk" }) as Record<string, string>;
      return { keys: [{ kty: "RSA", use: "sig", kid: signingKid, x5t: signingKid, n: jwk.n, e: jwk.e, issuer: `${"https://sts.windows.net"}/{tenantid}/` }] };
    },
  };
}
