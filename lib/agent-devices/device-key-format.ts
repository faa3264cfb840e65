import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The credentials of decision 011 besides the enrolment secret (lib/agent-tokens/token-format.ts): a device key
 * (`jsd_` + 43 base64url, what an enrolled device uploads with) and the machine key (43 base64url, 32 random bytes the
 * agent makes and keeps under DPAPI machine scope; it proves that an enrolment or rotation comes from the same
 * installation). Only their SHA-256 is stored: both are random, not passwords.
 */
export const DEVICE_KEY_PREFIX = "jsd_";
const DEVICE_KEY_PATTERN = /^jsd_[A-Za-z0-9_-]{43}$/;
const MACHINE_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function generateDeviceKey(): string {
  return DEVICE_KEY_PREFIX + randomBytes(32).toString("base64url");
}

export function isWellFormedDeviceKey(key: string): boolean {
  return DEVICE_KEY_PATTERN.test(key);
}

export function isWellFormedMachineKey(key: string): boolean {
  return MACHINE_KEY_PATTERN.test(key);
}

/** The stored form of a device key or a machine key. */
export function hashAgentSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Compares two stored hashes in constant time (they are the same length: hex SHA-256). */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

/** What lists show of a device key: enough to tell keys apart, useless to an attacker. */
export function deviceKeyPrefix(key: string): string {
  return key.slice(0, DEVICE_KEY_PREFIX.length + 6);
}
