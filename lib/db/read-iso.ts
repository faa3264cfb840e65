import { readDate } from "@/lib/db/direct";

const SQLITE_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;

/**
 * A DateTime column read through the driver (lib/db/direct.ts) as the ISO string `Date.toISOString()` gives: the
 * form the rules and the fingerprints see, and in which comparing the strings compares the times.
 */
export function readIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  // SQLite stores Prisma's DateTime as `…T…​.mmm+00:00`: rewriting the zone skips a Date per value.
  if (typeof value === "string" && SQLITE_ISO.test(value)) return `${value.slice(0, 23)}Z`;
  return readDate(value)!.toISOString();
}
