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

/** Counts a failed authentication against the client's address and answers 401 with the reason. */
export async function refuseAuthentication(clientAddress: string, error: { code: string; message: string }): Promise<never> {
  await recordAuthFailure(clientAddress);
  throw new ApiError(401, error.code, error.message, undefined, { "WWW-Authenticate": 'Bearer realm="joinscope-agent"' });
}

/** 429 with Retry-After; the message ends with the delay. */
export function tooManyRequests(code: string, message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, code, `${message}; retry in ${retryAfterSeconds} s`, undefined, { "Retry-After": String(retryAfterSeconds) });
}
