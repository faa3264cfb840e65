import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";

/**
 * BitLocker's and LAPS's list endpoints document `User-Agent` as a required request header
 * (https://learn.microsoft.com/graph/api/bitlocker-list-recoverykeys,
 * https://learn.microsoft.com/graph/api/directory-list-devicelocalcredentials): a request without one is refused.
 */
export function requireUserAgent(ctx: RequestContext, now: () => number): void {
  if (!(ctx.req.headers["user-agent"] ?? "").trim()) {
    throw graphError(ctx, 400, "BadRequest", "The 'User-Agent' header is required for this request.", {}, now());
  }
}

/** An OData query option the endpoint does not support, refused as Graph's query validation does. */
export function refuseQueryOption(ctx: RequestContext, option: string, name: string, now: () => number): void {
  if (ctx.url.searchParams.has(option)) {
    throw graphError(
      ctx,
      400,
      "BadRequest",
      `Query option '${name}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.`,
      {},
      now(),
    );
  }
}
