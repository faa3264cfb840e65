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
