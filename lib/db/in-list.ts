/**
 * Prisma binds every value of an `IN (…)` list as a parameter, and SQLite accepts 999 per statement
 * (P2029 past that; a 999-device Graph page hit it). Every query whose list can grow goes through here.
 */
export const IN_LIST_MAX = 500;

export function chunk<T>(items: readonly T[], size = IN_LIST_MAX): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
