import { randomUUID } from "node:crypto";

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Rows a sync inserts get ids in
 * insertion order, so each page appends to the end of the primary-key index instead of dirtying pages all
 * over it (a version-4 id lands on a random leaf page: ~1,000 of them per 999-device page on a large tenant).
 */
export function timeOrderedId(ms: number = Date.now()): string {
  const time = ms.toString(16).padStart(12, "0");
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx: keep the random part and its variant bits
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}
