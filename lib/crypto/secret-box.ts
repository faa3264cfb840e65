import "server-only";
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { config } from "@/lib/config";

/**
 * Tenant credentials (client secrets, certificate private keys) are stored encrypted with AES-256-GCM.
 * The key is JOINSCOPE_SECRET_KEY, or, for a single-node install, a random key kept in the data
 * directory with mode 0600. Losing the key means re-entering the tenants' credentials, nothing more.
 */
let cachedKey: Buffer | null = null;

function key(): Buffer {
  if (cachedKey) return cachedKey;
  if (config.JOINSCOPE_SECRET_KEY) {
    cachedKey = createHash("sha256").update(config.JOINSCOPE_SECRET_KEY).digest();
    return cachedKey;
  }
  const dir = resolve(config.JOINSCOPE_DATA_DIR);
  const file = join(dir, "secret.key");
  if (!existsSync(file)) {
    // Owner-only, like the database beside it by default: the key opens every stored tenant credential.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600, flag: "wx" });
  }
  chmodSync(file, 0o600);
  cachedKey = createHash("sha256").update(readFileSync(file, "utf8").trim()).digest();
  return cachedKey;
}

/**
 * A per-purpose secret derived from the key (HMAC), e.g. the salt that makes redacted user tokens
 * unguessable: without it, anyone could hash a list of names and match them.
 */
export function deriveSecret(purpose: string): string {
  return createHmac("sha256", key()).update(purpose, "utf8").digest("base64url");
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
export function sealSecret(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
}

export function openSecret(sealed: string): string {
  const [version, iv, tag, data] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || !data) throw new Error("Stored credential has an unknown format");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}
