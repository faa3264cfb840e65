/**
 * A request-count limit per app and tenant in a fixed window, as Graph's identity and access reports limit them: five
 * requests per 10 seconds per app per tenant (https://learn.microsoft.com/graph/throttling-limits, "Identity and
 * access reports service limits"). Over it, 429 with Retry-After until the window ends.
 */
import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";

export interface RequestWindowLimit {
  requests: number;
  windowSeconds: number;
}

export interface RequestWindow {
  /** Counts the request; throws the 429 when the app has used the window's requests. */
  take(ctx: RequestContext, tenantId: string, appId: string): void;
}

/** `null`: no limit. */
export function createRequestWindow(options: { limit: RequestWindowLimit | null; now: () => number }): RequestWindow {
  const windows = new Map<string, { start: number; used: number }>();
  const { limit, now } = options;
  return {
    take: (ctx, tenantId, appId) => {
      if (!limit) return;
      const key = `${tenantId}/${appId}`;
      const t = now();
      let w = windows.get(key);
      if (!w || t - w.start >= limit.windowSeconds * 1000) {
        w = { start: t, used: 0 };
        windows.set(key, w);
      }
      if (w.used >= limit.requests) {
        const retryAfter = Math.max(1, Math.ceil((w.start + limit.windowSeconds * 1000 - t) / 1000));
        throw graphError(
          ctx,
          429,
          "TooManyRequests",
          "Too many requests. Please try again later.",
          {
            "Retry-After": String(retryAfter),
            "x-ms-throttle-scope": `Tenant_Application/Read/${appId}/${tenantId}`,
            "x-ms-throttle-information": "RequestCountLimitExceeded",
          },
          t,
        );
      }
      w.used++;
    },
  };
}
