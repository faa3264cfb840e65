import { randomFillSync } from "node:crypto";

/**
 * UUIDv7-shaped ids (RFC 9562: 48-bit Unix milliseconds, then a counter and random bits): ids made later sort
 * later, also within one millisecond, so a findings pass writing 100,000 findings and their events, or a sync
 * inserting a page of devices and their timeline rows, appends to the primary-key (and findingRef) indexes
 * instead of scattering writes across them (a random v4 id lands on a random leaf page, and SQLite's default
 * 2 MB page cache then kept re-reading index pages). They are still opaque unique strings to every reader.
 */
let lastMs = 0;
let counter = 0;
const COUNTER_LIMIT = 1 << 24;

// One randomBytes call per 1,024 ids: a call per id cost more than the rest of the id (its Buffer, its syscall).
const POOL_IDS = 1024;
const pool = Buffer.alloc(POOL_IDS * 6);
let poolOffset = pool.length;

function randomHex6(): string {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += 6;
  return pool.toString("hex", poolOffset - 6, poolOffset);
}

export function timeOrderedId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    counter++;
    if (counter >= COUNTER_LIMIT) {
      ms = ++lastMs;
      counter = 0;
    }
  } else {
    lastMs = ms;
    // Start each millisecond at a random point of the lower half, so two processes rarely share a prefix.
    counter = parseInt(randomHex6().slice(0, 6), 16) & 0x7fffff;
  }
  const time = ms.toString(16).padStart(12, "0");
  const count = counter.toString(16).padStart(6, "0");
  const rand = randomHex6();
  // Version 7, variant 0b10 (the "8"); the counter spans both groups, so ids of one millisecond sort by it too.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${count.slice(0, 3)}-8${count.slice(3, 6)}-${rand}`;
}
