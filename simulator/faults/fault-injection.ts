/**
 * Faults a test injects: the next matching requests answer a throttling or server error, stall, or have their
 * connection reset, as Graph's do (https://learn.microsoft.com/graph/errors, https://learn.microsoft.com/graph/throttling).
 */
import { graphError, type HttpError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";

export type FaultKind = "429" | "503" | "500" | "reset" | "slow" | "410";

export interface FaultSpec {
  kind: FaultKind;
  /** Tested against path + query string, e.g. /\/v1\.0\/devices/. Default: every request. */
  path?: RegExp;
  /** How many matching requests it hits. Default 1. */
  times?: number;
  /** Retry-After for 429 and 503, in seconds. Default 1. */
  retryAfterSeconds?: number;
  /** Delay for "slow", in ms. Default 2,000. */
  delayMs?: number;
}

export interface FaultQueue {
  add(fault: FaultSpec): void;
  clear(): void;
  /** The first pending fault whose path matches, counted as spent on this request; undefined when none. */
  take(pathAndQuery: string): FaultSpec | undefined;
}

export function createFaultQueue(initial: readonly FaultSpec[] = []): FaultQueue {
  const faults: Array<FaultSpec & { remaining: number }> = initial.map((f) => ({ ...f, remaining: f.times ?? 1 }));
  return {
    add: (fault) => {
      faults.push({ ...fault, remaining: fault.times ?? 1 });
    },
    clear: () => {
      faults.length = 0;
    },
    take: (pathAndQuery) => {
      const fault = faults.find((f) => f.remaining > 0 && (!f.path || f.path.test(pathAndQuery)));
      if (fault) {
        fault.remaining -= 1;
        if (fault.remaining <= 0) faults.splice(faults.indexOf(fault), 1);
      }
      return fault;
    },
  };
}

/** The faults that are an answer (the server shell handles "reset" and "slow", which act on the connection). */
export type AnsweredFaultKind = Exclude<FaultKind, "reset" | "slow">;

/** The answer an injected fault gives, in Graph's error shape. */
export function faultError(ctx: RequestContext, fault: { kind: AnsweredFaultKind; retryAfterSeconds: number | undefined; nowMs: number }): HttpError {
  const { nowMs } = fault;
  switch (fault.kind) {
    case "429":
      return graphError(
        ctx,
        429,
        "TooManyRequests",
        "Too many requests. Please try again later.",
        {
          "Retry-After": String(fault.retryAfterSeconds ?? 1),
          "x-ms-throttle-scope": "Tenant_Application/ReadWrite/simulated",
          "x-ms-throttle-information": "ResourceUnitLimitExceeded",
        },
        nowMs,
      );
    case "503":
      return graphError(
        ctx,
        503,
        "serviceNotAvailable",
        "The service is temporarily unavailable. Please retry after the time in Retry-After.",
        { "Retry-After": String(fault.retryAfterSeconds ?? 1) },
        nowMs,
      );
    case "500":
      return graphError(ctx, 500, "generalException", "An unspecified error has occurred.", {}, nowMs);
    case "410":
      return graphError(
        ctx,
        410,
        "resyncRequired",
        "Resync required. The sync state was reset by the service; discard the delta link and start a full synchronization.",
        {},
        nowMs,
      );
  }
}
