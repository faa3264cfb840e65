import "server-only";
import { AuthenticationHandler, Client, HTTPMessageHandler, ResponseType, type Context, type Middleware } from "@microsoft/microsoft-graph-client";
import type { z } from "zod";
import pkg from "../../package.json";
import { acquireGraphToken, type AuthFailure, type TenantAppConfig, type TokenResult } from "./msal-client";
import { ResilienceMiddleware, type ResilienceOptions, type ResilienceStats } from "./resilience-middleware";

export type GraphFailure =
  | { kind: "auth"; auth: AuthFailure; message: string }
  | { kind: "forbidden"; status: 403; code: string; message: string }
  | { kind: "delta-expired"; status: 400 | 410; code: string; message: string }
  | { kind: "http"; status: number; code: string; message: string }
  | { kind: "invalid-response"; message: string }
  | { kind: "network"; message: string };

export type GraphResult<T> = { ok: true; data: T } | { ok: false; error: GraphFailure };

export interface GraphClient {
  /** GET a path (`/devices?$select=…`) or an absolute nextLink/deltaLink; the body is validated with `schema`. */
  get<S extends z.ZodType>(pathOrUrl: string, schema: S, options?: { version?: "v1.0" | "beta" }): Promise<GraphResult<z.infer<S>>>;
  readonly stats: ResilienceStats;
  readonly baseUrl: string;
}

/**
 * Sent with every request. BitLocker's and LAPS's list endpoints require a User-Agent naming the calling
 * application, and document ocp-client-name/-version for Microsoft's troubleshooting
 * (https://learn.microsoft.com/graph/api/bitlocker-list-recoverykeys#request-headers).
 */
const REQUEST_HEADERS = { "User-Agent": `JoinScope/${pkg.version}`, "ocp-client-name": "JoinScope", "ocp-client-version": pkg.version };

class AuthError extends Error {
  constructor(readonly auth: AuthFailure) {
    super(auth.message);
  }
}

/**
 * The SDK wraps a failed request in its GraphError, which keeps the error's message ("fetch failed") and drops its
 * `cause`, the part that says why (ECONNREFUSED, ENOTFOUND, a certificate Node does not trust): first in the chain, this
 * writes the cause's code into the message before the SDK sees it. The error it throws keeps the original one as its
 * own `cause` (ES2022), for whoever reads it before the SDK does. Exported for its tests only.
 */
export class NetworkCauseHandler implements Middleware {
  private next: Middleware | undefined;

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    try {
      await this.next!.execute(context);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      if (error instanceof Error && cause) throw new Error(`${error.message}: ${cause.code ?? cause.message}`, { cause: error });
      throw error;
    }
  }
}

/**
 * A Microsoft Graph client for one tenant: the official SDK's middleware chain with MSAL app-only auth,
 * JoinScope's retry/throttle policy and the tenant's request budget.
 */
export function createGraphClient(app: TenantAppConfig, resilience: ResilienceOptions = {}, options: { token?: () => Promise<TokenResult> } = {}): GraphClient {
  const retry = new ResilienceMiddleware(`${app.tenantId}|${app.clientId}`, resilience);
  // The SDK wraps whatever the auth provider throws in its own GraphError, so the failure is also kept
  // here and read back when a request fails.
  let lastAuthFailure: AuthFailure | null = null;
  /**
   * A 403 may come from a token issued before an admin granted consent (its roles are those of its issue, and MSAL
   * keeps it up to an hour): the request is sent once more with a token fresh from Entra ID. `generation` counts the
   * fresh tokens taken, so requests refused with an older token do not each take another.
   */
  let generation = 0;
  let freshToken: Promise<TokenResult> | null = null;
  const current = async (): Promise<TokenResult> => {
    if (options.token) return options.token();
    if (freshToken) {
      const fresh = await freshToken;
      if (fresh.ok && (!fresh.expiresOn || fresh.expiresOn.getTime() > Date.now() + 60_000)) return fresh;
      freshToken = null;
    }
    return acquireGraphToken(app);
  };
  // options.token: where the bearer token comes from instead of MSAL's cache (Test connection's fresh token).
  const auth = new AuthenticationHandler({
    getAccessToken: async () => {
      const token = await current();
      if (!token.ok) {
        lastAuthFailure = token.error;
        throw new AuthError(token.error);
      }
      lastAuthFailure = null;
      return token.accessToken;
    },
  });
  const baseUrl = app.cloud.graphBaseUrl;
  const client = Client.initWithMiddleware({
    baseUrl: `${baseUrl}/`,
    defaultVersion: "v1.0",
    // Lets the SDK attach the bearer token to a national cloud's or the simulator's host.
    customHosts: new Set([new URL(baseUrl).hostname]),
    middleware: [new NetworkCauseHandler(), auth, retry, new HTTPMessageHandler()],
  });

  return {
    stats: retry.stats,
    baseUrl,
    async get(pathOrUrl, schema, requestOptions = {}) {
      let response: Response;
      try {
        const send = async () => {
          let request = client.api(pathOrUrl).responseType(ResponseType.RAW).headers(REQUEST_HEADERS);
          if (requestOptions.version) request = request.version(requestOptions.version);
          return (await request.get()) as Response;
        };
        const sentWith = generation;
        response = await send();
        if (response.status === 403 && !options.token) {
          if (generation === sentWith) {
            generation++;
            freshToken = acquireGraphToken(app, { fresh: true });
          }
          await response.body?.cancel();
          response = await send();
        }
      } catch (error) {
        const authFailure = error instanceof AuthError ? error.auth : lastAuthFailure;
        if (authFailure) return { ok: false, error: { kind: "auth", auth: authFailure, message: authFailure.message } };
        return { ok: false, error: { kind: "network", message: (error as { message?: string }).message || "request failed" } };
      }
      const text = await response.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      if (!response.ok) return { ok: false, error: describeHttpFailure(response.status, json) };
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        return {
          ok: false,
          error: { kind: "invalid-response", message: `Graph returned an unexpected body at ${first?.path.join(".") || "(root)"}: ${first?.message}` },
        };
      }
      return { ok: true, data: parsed.data };
    },
  };
}

function describeHttpFailure(status: number, body: unknown): GraphFailure {
  const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
  const code = err?.code ?? `HTTP${status}`;
  const message = err?.message ?? `Graph answered HTTP ${status}`;
  if (status === 410 || (status === 400 && /syncStateNotFound|syncStateInvalid|resyncRequired/i.test(code))) {
    return { kind: "delta-expired", status: status as 400 | 410, code, message };
  }
  if (status === 403) return { kind: "forbidden", status, code, message };
  return { kind: "http", status, code, message };
}
