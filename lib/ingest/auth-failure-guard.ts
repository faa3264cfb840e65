import "server-only";
import { ApiError } from "@/lib/http/api-error";
import { checkAuthFailureBudget, recordAuthFailure } from "./rate-limit";

/**
 * The failed-authentication budget per client address that the agents' three endpoints (upload, enrol, key) share:
 * a client over it is refused before any credential is looked up.
 */
export async function refuseClientOverFailureBudget(clientAddress: string): Promise<void> {
  const failures = await checkAuthFailureBudget(clientAddress);
  if (failures.allowed) return;
  throw tooManyRequests("too-many-failed-authentications", "Too many failed authentications from this address", failures.retryAfterSeconds);
}

/**
 * Refusals of a credential that exists and is what it claims to be, in a state every machine of a fleet reaches at once:
 * a token whose direct uploads were turned off (every agent before version 2 hears it at its next run) and a revoked
 * device. They are not guesses, so they spend nothing of the address's budget: behind a NAT, a few hundred such agents
 * would otherwise shut out the enrolled agents sharing that address.
 */
const NOT_A_GUESS = new Set(["enrolment-required", "device-revoked"]);

/** Answers 401 with the reason; counts a failed authentication against the client's address unless it is NOT_A_GUESS. */
export async function refuseAuthentication(clientAddress: string, error: { code: string; message: string }): Promise<never> {
  if (!NOT_A_GUESS.has(error.code)) await recordAuthFailure(clientAddress);
  throw new ApiError(401, error.code, error.message, undefined, { "WWW-Authenticate": 'Bearer realm="joinscope-agent"' });
}

/** 429 with Retry-After; the message ends with the delay. */
export function tooManyRequests(code: string, message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, code, `${message}; retry in ${retryAfterSeconds} s`, undefined, { "Retry-After": String(retryAfterSeconds) });
}
