/**
 * Subject keys fall into STRIPES stripes by their last character, the same way in JavaScript (here) and in SQL (the
 * tally triggers of migration 20261208090000_device_summaries: `unicode(substr(key, -1)) % 16` on SQLite,
 * `ascii(right(key, 1)) % 16` on PostgreSQL). A key ends in a GUID's last hex digit or a host name's last character.
 */
export const STRIPES = 16;

export function stripeOf(subjectKey: string): number {
  const last = subjectKey.codePointAt(subjectKey.length - 1);
  // A key ending in a surrogate pair: the code point starts one unit earlier.
  const code = last !== undefined && last >= 0xdc00 && last <= 0xdfff ? subjectKey.codePointAt(subjectKey.length - 2)! : (last ?? 0);
  return code % STRIPES;
}

/** FNV-1a of the tenant's id as a signed 32-bit integer: the first half of its stripes' advisory lock keys. */
export function tenantLockKey(tenantRef: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < tenantRef.length; i++) {
    hash ^= tenantRef.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
