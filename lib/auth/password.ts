import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP Password Storage Cheat Sheet, scrypt: "a minimum CPU/memory cost parameter of (2^17), a minimum block size
 * of 8 (1024 bytes), and a parallelization parameter of 1"
 * (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#scrypt). Hashes made with any
 * other cost still verify and are replaced at the next successful login (needsRehash).
 */
export const SCRYPT_COST: Readonly<ScryptCost> = Object.freeze({ N: 1 << 17, r: 8, p: 1 });

/**
 * The memory scrypt needs, which Node refuses to exceed: OpenSSL's check is 128·r·(N+2) bytes for V plus 128·r·p
 * for B (https://nodejs.org/api/crypto.html#cryptoscryptpassword-salt-keylen-options-callback: "an error is thrown
 * when (approximately) 128 * N * r > maxmem"). For the current cost that is 128 MiB and 3 KiB.
 */
function maxmemFor({ N, r, p }: ScryptCost): number {
  return 128 * r * (N + 2 + p);
}

/**
 * At most two scrypt computations at once per process: each holds 128 MiB and one of libuv's four threads, so a
 * burst of logins queues here instead of taking the process's memory and the thread pool that file and DNS work
 * also need.
 */
const MAX_CONCURRENT_HASHES = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next)
      next(); // the slot passes straight to the next caller
    else running--;
  }
}

function format(cost: ScryptCost, salt: Buffer, hash: Buffer): string {
  return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

/**
 * Verified when an email has no account, so that path costs the same as a real one and timing does not reveal which
 * emails exist. Built from SCRYPT_COST so it cannot fall behind it.
 */
export const UNKNOWN_USER_HASH = format(SCRYPT_COST, Buffer.alloc(16), Buffer.alloc(32));

/** `scrypt$N$r$p$salt$hash`, base64url parts. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await withHashSlot(() => scrypt(password, salt, 32, { ...SCRYPT_COST, maxmem: maxmemFor(SCRYPT_COST) }));
  return format(SCRYPT_COST, salt, hash);
}

interface StoredHash extends ScryptCost {
  salt: Buffer;
  hash: Buffer;
}

/** Bounds on what a stored hash may ask for: N up to 2^20 (1 GiB) so a tampered row cannot demand more. */
function parseStored(stored: string): StoredHash | null {
  const [kind, n, r, p, salt, hash, ...rest] = stored.split("$");
  if (kind !== "scrypt" || !n || !r || !p || !salt || !hash || rest.length > 0) return null;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const powerOfTwo = Number.isInteger(cost.N) && cost.N >= 2 && (cost.N & (cost.N - 1)) === 0;
  if (!powerOfTwo || cost.N > 1 << 20 || !Number.isInteger(cost.r) || cost.r < 1 || cost.r > 32 || !Number.isInteger(cost.p) || cost.p < 1 || cost.p > 16)
    return null;
  const parsed = { ...cost, salt: Buffer.from(salt, "base64url"), hash: Buffer.from(hash, "base64url") };
  return parsed.salt.length >= 8 && parsed.hash.length >= 16 ? parsed : null;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (!parsed) return false;
  const { N, r, p, salt, hash } = parsed;
  const actual = await withHashSlot(() => scrypt(password, salt, hash.length, { N, r, p, maxmem: maxmemFor({ N, r, p }) }));
  return actual.length === hash.length && timingSafeEqual(actual, hash);
}

/** True for a hash made with another cost than SCRYPT_COST: replace it once the password is known to be right. */
export function needsRehash(stored: string): boolean {
  const parsed = parseStored(stored);
  return !parsed || parsed.N !== SCRYPT_COST.N || parsed.r !== SCRYPT_COST.r || parsed.p !== SCRYPT_COST.p;
}
