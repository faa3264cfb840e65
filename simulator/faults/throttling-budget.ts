/**
 * Graph's throttling by resource units: each request costs units (https://learn.microsoft.com/graph/throttling-limits,
 * identity and access service limits), each app+tenant pair has a budget per 10 seconds, and a request over it is
 * answered 429 with Retry-After. Above 80 % of the budget the answer carries x-ms-throttle-limit-percentage.
 */
import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";

/** Entra's per app+tenant identity budget per 10 s (docs/domain.md, *Reading devices from Graph*). */
export type RuBudget = "S" | "M" | "L" | number;

const RU_BUDGETS: Record<"S" | "M" | "L", number> = { S: 3500, M: 5000, L: 8000 };

export interface ThrottlingBudget {
  /** Records the request's cost on `ctx` and spends it from the app's budget; throws the 429 when it is spent. */
  charge(ctx: RequestContext, tenantId: string, appId: string): void;
}

/** Without a budget, requests are costed (for the x-ms-resource-unit header) but never throttled. */
export function createThrottlingBudget(options: { budget: RuBudget | undefined; now: () => number }): ThrottlingBudget {
  const { now } = options;
  const ruLimit = options.budget === undefined ? null : typeof options.budget === "number" ? options.budget : RU_BUDGETS[options.budget];
  const ruWindows = new Map<string, { start: number; used: number }>();
  return {
    charge: (ctx, tenantId, appId) => {
      const q = ctx.url.searchParams;
      const top = q.get("$top");
      let cost = 1;
      if (q.has("$select")) cost -= 1;
      if (q.has("$expand")) cost += 1;
      if (top !== null && Number(top) < 20) cost -= 1;
      cost = Math.max(1, cost);
      ctx.ruCost = cost;
      if (ruLimit === null) return;
      const key = `${tenantId}/${appId}`;
      const t = now();
      let window = ruWindows.get(key);
      if (!window || t - window.start >= 10_000) {
        window = { start: t, used: 0 };
        ruWindows.set(key, window);
      }
      if (window.used + cost > ruLimit) {
        const retryAfter = Math.max(1, Math.ceil((window.start + 10_000 - t) / 1000));
        throw graphError(
          ctx,
          429,
          "TooManyRequests",
          "Too many requests. Please try again later.",
          {
            "Retry-After": String(retryAfter),
            "x-ms-throttle-scope": `Tenant_Application/ReadWrite/${appId}/${tenantId}`,
            "x-ms-throttle-information": "ResourceUnitLimitExceeded",
          },
          t,
        );
      }
      window.used += cost;
      const pct = window.used / ruLimit;
      if (pct > 0.8) ctx.throttlePercentage = Math.round(pct * 10) / 10;
    },
  };
}
