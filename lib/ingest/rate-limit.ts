import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { config } from "@/lib/config";

/**
 * Upload budget per enrolled device (per token for direct uploads, decision 011). In-memory: each app instance
 * enforces it for the uploads it receives, which bounds a runaway agent; behind a load balancer the effective budget
 * is limit × instances (README, scale-out).
 */
const limiter = new RateLimiterMemory({
  points: config.JOINSCOPE_INGEST_RATE_LIMIT,
  duration: config.JOINSCOPE_INGEST_RATE_WINDOW_SECONDS,
});

/**
 * Failed authentications per client address: without a limit, a client could make the server look up as many
 * guessed tokens as it could send, each a database lookup. Spent only by failures; a client that has spent its budget is refused before its token is
 * looked up, whatever the token. OWASP's advice for credential guessing:
 * https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks
 */
const authFailures = new RateLimiterMemory({
  points: config.JOINSCOPE_INGEST_AUTH_FAILURE_LIMIT,
  duration: config.JOINSCOPE_INGEST_AUTH_FAILURE_WINDOW_SECONDS,
});

/**
 * Enrolments per enrolment secret (decision 011): whoever holds a leaked secret cannot enrol machines faster than this.
 */
const enrolments = new RateLimiterMemory({ points: config.JOINSCOPE_ENROL_RATE_LIMIT, duration: 60 });

/**
 * Bytes per credential (a device key, or a token uploading directly), as a rate. Counting uploads alone would let one
 * token send 600 one-megabyte bodies a minute, and reading and parsing those keeps the server's thread busy enough to
 * delay every other agent's upload. The budget is spent in 2-second slices, so a token cannot send a minute's worth at
 * once either (such a burst still raised the fleet's p95: bench/RESULTS.md, eighth round); a slice always admits one
 * body of the largest size. Real reports are 6–15 KB: the default (32 MiB a minute) is thousands of them.
 */
const BYTE_SLICE_SECONDS = 2;
const bytesPerSlice = Math.max(config.JOINSCOPE_INGEST_MAX_BYTES, Math.ceil((config.JOINSCOPE_INGEST_BYTES_PER_MINUTE * BYTE_SLICE_SECONDS) / 60));
const bytes = new RateLimiterMemory({ points: bytesPerSlice, duration: BYTE_SLICE_SECONDS });

export type RateLimitVerdict = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/** `key`: the enrolled device's (`d:<id>`) or, for a direct upload, the token's (`t:<id>`). */
export async function consumeUploadBudget(key: string): Promise<RateLimitVerdict> {
  return consume(limiter, key, 1);
}

/** One enrolment through the secret `tokenId`. */
export async function consumeEnrolmentBudget(tokenId: string): Promise<RateLimitVerdict> {
  return consume(enrolments, tokenId, 1);
}

/** Spends `points` of `key`'s budget; a rejection is a verdict, any other error is thrown. */
async function consume(from: RateLimiterMemory, key: string, points: number): Promise<RateLimitVerdict> {
  try {
    const res = await from.consume(key, points);
    return { allowed: true, remaining: res.remainingPoints };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: retryAfterSeconds(rejection) };
    throw rejection;
  }
}

/** Whole seconds until the window frees points, at least 1 (Retry-After). */
function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/** Whether `clientAddress` may still try to authenticate; spends nothing. */
export async function checkAuthFailureBudget(clientAddress: string): Promise<RateLimitVerdict> {
  const res = await authFailures.get(clientAddress);
  if (res !== null && res.consumedPoints >= config.JOINSCOPE_INGEST_AUTH_FAILURE_LIMIT) {
    return { allowed: false, retryAfterSeconds: retryAfterSeconds(res) };
  }
  return { allowed: true, remaining: config.JOINSCOPE_INGEST_AUTH_FAILURE_LIMIT - (res?.consumedPoints ?? 0) };
}

/** Records one failed authentication from `clientAddress`. */
export async function recordAuthFailure(clientAddress: string): Promise<void> {
  // penalty() adds a point without rejecting once the budget is spent (consume() would throw a RateLimiterRes).
  await authFailures.penalty(clientAddress, 1);
}

/**
 * Whether the credential whose stored form is `credentialHash` may still send `declaredBytes` (or any body, when the
 * length is not declared); spends nothing.
 */
export async function checkByteBudget(credentialHash: string, declaredBytes: number | null): Promise<RateLimitVerdict> {
  const res = await bytes.get(credentialHash);
  const remaining = bytesPerSlice - (res?.consumedPoints ?? 0);
  if (res !== null && (remaining <= 0 || (declaredBytes !== null && declaredBytes > remaining))) {
    return { allowed: false, retryAfterSeconds: retryAfterSeconds(res) };
  }
  return { allowed: true, remaining };
}

/** Spends `size` bytes of the credential's budget; refused when it is over. */
export async function consumeByteBudget(credentialHash: string, size: number): Promise<RateLimitVerdict> {
  return consume(bytes, credentialHash, Math.max(1, size));
}
