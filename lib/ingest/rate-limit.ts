import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { config } from "@/lib/config";

/**
 * Per-token upload budget. In-memory: each app instance enforces it for the uploads it receives, which
 * bounds a runaway agent; behind a load balancer the effective budget is limit × instances (README, scale-out).
 */
const limiter = new RateLimiterMemory({
  points: config.JOINSCOPE_INGEST_RATE_LIMIT,
  duration: config.JOINSCOPE_INGEST_RATE_WINDOW_SECONDS,
});

/**
 * Failed authentications per client address (issue 14: 1,000 unknown-token requests went through in under a second,
 * each a database lookup). Spent only by failures; a client that has spent its budget is refused before its token is
 * looked up, whatever the token. OWASP's advice for credential guessing:
 * https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks
 */
const authFailures = new RateLimiterMemory({
  points: config.JOINSCOPE_INGEST_AUTH_FAILURE_LIMIT,
  duration: config.JOINSCOPE_INGEST_AUTH_FAILURE_WINDOW_SECONDS,
});

export type RateLimitVerdict = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export async function consumeUploadBudget(tokenId: string): Promise<RateLimitVerdict> {
  try {
    const res = await limiter.consume(tokenId, 1);
    return { allowed: true, remaining: res.remainingPoints };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
    throw rejection;
  }
}

/** Whether `clientAddress` may still try to authenticate; spends nothing. */
export async function checkAuthFailureBudget(clientAddress: string): Promise<RateLimitVerdict> {
  const res = await authFailures.get(clientAddress);
  if (res !== null && res.consumedPoints >= config.JOINSCOPE_INGEST_AUTH_FAILURE_LIMIT) {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
  }
  return { allowed: true, remaining: config.JOINSCOPE_INGEST_AUTH_FAILURE_LIMIT - (res?.consumedPoints ?? 0) };
}

/** Records one failed authentication from `clientAddress`. */
export async function recordAuthFailure(clientAddress: string): Promise<void> {
  // penalty() adds a point without rejecting once the budget is spent (consume() would throw a RateLimiterRes).
  await authFailures.penalty(clientAddress, 1);
}
