import { z } from "zod";

/**
 * JoinScope's three roles, each including the one before it (decision 022):
 * - Reader: browse every page, export, diagnose;
 * - Operator: also acknowledge findings, attach a pasted report, sync now, manage agent tokens and enrolled devices;
 * - Admin: also tenants, their credentials and settings.
 * Entra ID hands them to JoinScope as app roles in the ID token's `roles` claim (their values below), local accounts
 * hold one in AdminUser.role.
 */
export const ROLES = ["Reader", "Operator", "Admin"] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = z.enum(ROLES);

/** The app roles' values as they are defined on JoinScope's app registration (README, "Sign in with Microsoft"). */
export const APP_ROLE_VALUES: Readonly<Record<Role, string>> = {
  Reader: "JoinScope.Reader",
  Operator: "JoinScope.Operator",
  Admin: "JoinScope.Admin",
};

const RANK: Readonly<Record<Role, number>> = { Reader: 1, Operator: 2, Admin: 3 };

/** True when `role` (null: no role) includes `minimum`. */
export function hasRole(role: Role | null | undefined, minimum: Role): boolean {
  return !!role && RANK[role] >= RANK[minimum];
}

/** A stored role string as a Role; anything else (a hand-edited row) is no role. */
export function parseRole(value: string | null | undefined): Role | null {
  const parsed = RoleSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The highest of the roles given; null when none. */
export function highestRole(roles: Iterable<Role>): Role | null {
  let best: Role | null = null;
  for (const role of roles) if (!best || RANK[role] > RANK[best]) best = role;
  return best;
}

/**
 * The role an ID token gives: the highest of its `roles` claim's JoinScope app roles and of the roles its `groups`
 * claim's groups map to (JOINSCOPE_ENTRA_GROUP_ROLES). Unknown values are ignored; a claim that is not an array of
 * strings counts as absent.
 */
export function roleFromClaims(claims: { roles?: unknown; groups?: unknown }, groupRoles: ReadonlyMap<string, Role> = new Map()): Role | null {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  const found: Role[] = [];
  for (const value of strings(claims.roles)) {
    const role = ROLES.find((r) => APP_ROLE_VALUES[r] === value);
    if (role) found.push(role);
  }
  for (const group of strings(claims.groups)) {
    const role = groupRoles.get(group.toLowerCase());
    if (role) found.push(role);
  }
  return highestRole(found);
}

/** `JOINSCOPE_ENTRA_GROUP_ROLES`: `<group object id>=<Role>` pairs, comma-separated. */
export function parseGroupRoles(value: string): Map<string, Role> | string {
  const map = new Map<string, Role>();
  for (const part of value.split(",").map((p) => p.trim())) {
    if (!part) continue;
    const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})=(\w+)$/i.exec(part);
    const role = m ? parseRole(m[2]) : null;
    if (!m || !role) return `"${part}" is not <group object id>=Reader|Operator|Admin`;
    map.set(m[1]!.toLowerCase(), role);
  }
  return map;
}
