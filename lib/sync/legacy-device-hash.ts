import { hash } from "node:crypto";

/**
 * The rawHash JoinScope stored before decision 007: SHA-256 (64 hex characters) of the object's JSON with keys
 * sorted (UTF-16 order) at every level, "@odata." keys left out and undefined written as null. A sync page
 * computes it only for a stored row that still carries such a hash, to tell an object Graph did not change from
 * one it did; the row then gets the current hash (write-device-page.ts). Rows leave this format as syncs see them.
 */
export function legacyHashDevice(device: object): string {
  return hash("sha256", sortedStringify(device), "hex");
}

export function isLegacyHash(rawHash: string | null): rawHash is string {
  return rawHash !== null && rawHash.length === 64;
}

/** JSON with object keys sorted (UTF-16 order) at every level, "@odata." keys left out, undefined as null. */
export function sortedStringify(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(sortedStringify).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => !k.startsWith("@odata."))
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedStringify(record[k])}`).join(",")}}`;
}
