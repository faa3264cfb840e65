/**
 * In-process trust for the simulator's CA. Node reads NODE_EXTRA_CA_CERTS only at start-up, and the
 * global fetch (undici) offers no `ca` option without the undici package, so these go through
 * node:https with `ca` instead:
 * - `createCaFetch(caPem)`: a fetch-compatible function (for plain calls and the Graph client).
 * - `createCaNetworkClient(caPem)`: an MSAL `INetworkModule` for `system.networkClient`.
 * Production code should not need either: the process that talks to the simulator is started with
 * NODE_EXTRA_CA_CERTS=<caPath> and uses MSAL's and Graph's defaults.
 */
import { Agent, request } from "node:https";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function createCaFetch(caPem: string): FetchLike {
  const agent = new Agent({ ca: caPem, keepAlive: true, maxSockets: 16 });
  return async (input, init) => {
    const req = input instanceof Request ? input : null;
    const url = new URL(req ? req.url : input.toString());
    const method = (init?.method ?? req?.method ?? "GET").toUpperCase();
    const headers = new Headers(req?.headers);
    new Headers(init?.headers).forEach((value, key) => headers.set(key, value));
    let body: Buffer | undefined;
    const rawBody = init?.body ?? (req && method !== "GET" && method !== "HEAD" ? await req.arrayBuffer() : undefined);
    if (typeof rawBody === "string") body = Buffer.from(rawBody);
    else if (rawBody instanceof ArrayBuffer) body = Buffer.from(rawBody);
    else if (ArrayBuffer.isView(rawBody)) body = Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
    else if (rawBody instanceof URLSearchParams) {
      body = Buffer.from(rawBody.toString());
      if (!headers.has("content-type")) headers.set("content-type", "application/x-www-form-urlencoded;charset=UTF-8");
    } else if (rawBody != null) throw new TypeError("createCaFetch supports string, buffer and URLSearchParams bodies");
    if (body) headers.set("content-length", String(body.length));
    const signal = init?.signal ?? req?.signal ?? null;

    return new Promise<Response>((resolve, reject) => {
      const outgoing = request(url, { method, agent, headers: Object.fromEntries(headers.entries()), ...(signal ? { signal } : {}) }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (c: Buffer) => chunks.push(c));
        incoming.on("error", reject);
        incoming.on("end", () => {
          const responseHeaders = new Headers();
          for (const [k, v] of Object.entries(incoming.headers)) {
            if (Array.isArray(v)) v.forEach((item) => responseHeaders.append(k, item));
            else if (v !== undefined) responseHeaders.set(k, v);
          }
          const status = incoming.statusCode ?? 0;
          const payload = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          const response = new Response(payload, { status, statusText: incoming.statusMessage ?? "", headers: responseHeaders });
          Object.defineProperty(response, "url", { value: url.toString() });
          resolve(response);
        });
      });
      outgoing.on("error", (error) => reject(new TypeError("fetch failed", { cause: error })));
      if (body) outgoing.write(body);
      outgoing.end();
    });
  };
}

export function createCaNetworkClient(caPem: string): INetworkModule {
  const fetchWithCa = createCaFetch(caPem);
  const send = async <T>(url: string, method: "GET" | "POST", options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const response = await fetchWithCa(url, {
      method,
      headers: options?.headers ?? {},
      ...(method === "POST" ? { body: options?.body ?? "" } : {}),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const text = await response.text();
    return { headers, body: (text ? JSON.parse(text) : {}) as T, status: response.status };
  };
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>(url, "GET", options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>(url, "POST", options),
  };
}
