import { createHash, randomBytes } from "node:crypto";

/** Agent tokens look like `jsa_<43 base64url chars>`: recognisable in a leaked script, 256 bits of entropy. */
export const AGENT_TOKEN_PREFIX = "jsa_";
const TOKEN_PATTERN = /^jsa_[A-Za-z0-9_-]{43}$/;

export function generateAgentToken(): string {
  return AGENT_TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

export function isWellFormedAgentToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** Only this hash is stored. SHA-256 suffices: the token is random, not a password. */
export function hashAgentToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** What lists show: enough to tell tokens apart, useless to an attacker. */
export function displayPrefix(token: string): string {
  return token.slice(0, AGENT_TOKEN_PREFIX.length + 6);
}
