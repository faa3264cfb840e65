import { describe, expect, it } from "vitest";
import {
  canSeeTenant,
  formatEntraGroups,
  GROUPS_UNKNOWN,
  hasGroupOverage,
  parseEntraGroups,
  scopeForUser,
  scopeFromLimits,
  scopeWithUnknownGroups,
  tenantScopeWhere,
  tenantsInScope,
} from "./tenant-scope";

const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";

describe("tenant scope (decision 027)", () => {
  it("no limit matching is every tenant; limits are a union; a limit with no tenant is none", () => {
    expect(scopeFromLimits([])).toBeNull();
    expect(scopeFromLimits([{ tenantRefs: [B] }, { tenantRefs: [A, B] }])).toEqual([A, B]);
    expect(scopeFromLimits([{ tenantRefs: [] }])).toEqual([]);
  });

  it("checks a tenant, filters a list in its order, and makes a Prisma filter only when limited", () => {
    expect(canSeeTenant(null, B)).toBe(true);
    expect(canSeeTenant([A], B)).toBe(false);
    expect(canSeeTenant([A], A)).toBe(true);
    expect(canSeeTenant([A], null)).toBe(false);
    expect(canSeeTenant([], A)).toBe(false);
    const tenants = [{ id: B }, { id: A }];
    expect(tenantsInScope(null, tenants)).toEqual(tenants);
    expect(tenantsInScope([A], tenants)).toEqual([{ id: A }]);
    expect(tenantScopeWhere(null)).toEqual({});
    expect(tenantScopeWhere([])).toEqual({ tenantRef: { in: [] } });
    expect(tenantScopeWhere([A, B])).toEqual({ tenantRef: { in: [A, B] } });
  });

  it("stores an ID token's groups lower-case, once each, and reads them back", () => {
    const stored = formatEntraGroups(["3A1F0C2E-5B6D-4E7F-8091-A2B3C4D5E6F7", " 3a1f0c2e-5b6d-4e7f-8091-a2b3c4d5e6f7", ""]);
    expect(stored).toBe("3a1f0c2e-5b6d-4e7f-8091-a2b3c4d5e6f7");
    expect(parseEntraGroups(`${stored},0f0e0d0c-0000-4000-8000-000000000001`)).toEqual([
      "3a1f0c2e-5b6d-4e7f-8091-a2b3c4d5e6f7",
      "0f0e0d0c-0000-4000-8000-000000000001",
    ]);
    expect(parseEntraGroups("")).toEqual([]);
    expect(formatEntraGroups(undefined)).toBe("");
  });

  it("reads a stored value written by hand or by an older version: no value, spaces, capitals, empty items", () => {
    expect(parseEntraGroups(null)).toEqual([]);
    expect(parseEntraGroups(undefined)).toEqual([]);
    expect(parseEntraGroups(" 3A1F0C2E-5B6D-4E7F-8091-A2B3C4D5E6F7 ,, ,0f0e0d0c-0000-4000-8000-000000000001,")).toEqual([
      "3a1f0c2e-5b6d-4e7f-8091-a2b3c4d5e6f7",
      "0f0e0d0c-0000-4000-8000-000000000001",
    ]);
    expect(formatEntraGroups([" ", "B", "b ", "A"])).toBe("b,a");
  });
});

describe("a user whose groups did not fit in the ID token (group overage)", () => {
  it("sees their own limits' tenants; else none while any group limit exists; else every tenant", () => {
    expect(scopeWithUnknownGroups([{ tenantRefs: [A] }], true)).toEqual([A]);
    expect(scopeWithUnknownGroups([], true)).toEqual([]);
    expect(scopeWithUnknownGroups([], false)).toBeNull();
    expect(parseEntraGroups(GROUPS_UNKNOWN)).toEqual([]);
  });

  it("is told by the ID token's _claim_names naming groups, or hasgroups; a token with a groups claim is not one", () => {
    expect(hasGroupOverage({ _claim_names: { groups: "src1" } })).toBe(true);
    expect(hasGroupOverage({ hasgroups: true })).toBe(true);
    expect(hasGroupOverage({ hasgroups: "true" })).toBe(true);
    expect(hasGroupOverage({})).toBe(false);
    expect(hasGroupOverage({ _claim_names: { other: "src2" }, hasgroups: false })).toBe(false);
  });
});

describe("scopeForUser", () => {
  const G = "3a1f0c2e-5b6d-4e7f-8091-a2b3c4d5e6f7";
  const OID = "9d8c7b6a-0000-4000-8000-000000000009";
  const limits = [
    { kind: "user", principal: "lena@contoso.com", tenantRefs: [A] },
    { kind: "user", principal: OID, tenantRefs: [B] },
    { kind: "group", principal: G, tenantRefs: [B] },
  ];
  it("matches a local account by email, an Entra one by UPN, object id and groups, and unites them", () => {
    expect(scopeForUser(limits, { email: "LENA@contoso.com", entraObjectId: null, entraGroups: null })).toEqual([A]);
    expect(scopeForUser(limits, { email: "lena@contoso.com", entraObjectId: OID, entraGroups: "" })).toEqual([A, B]);
    expect(scopeForUser(limits, { email: "max@contoso.com", entraObjectId: null, entraGroups: G })).toEqual([B]);
    expect(scopeForUser(limits, { email: "max@contoso.com", entraObjectId: null, entraGroups: "" })).toBeNull();
    expect(scopeForUser(limits, { email: "max@contoso.com", entraObjectId: null, entraGroups: GROUPS_UNKNOWN })).toEqual([]);
  });

  it("matches an object id whatever its case, and each limit by its own kind only", () => {
    expect(scopeForUser(limits, { email: "max@contoso.com", entraObjectId: OID.toUpperCase(), entraGroups: "" })).toEqual([B]);
    // A user limit naming a group's id, and a group limit naming the user's email or object id, match nobody.
    const crossed = [
      { kind: "user", principal: G, tenantRefs: [A] },
      { kind: "group", principal: "max@contoso.com", tenantRefs: [A] },
      { kind: "group", principal: OID, tenantRefs: [B] },
    ];
    expect(scopeForUser(crossed, { email: "max@contoso.com", entraObjectId: OID, entraGroups: G })).toBeNull();
  });

  it("leaves a user whose groups are unknown unlimited when no group limit exists, even beside other users' limits", () => {
    const usersOnly = limits.filter((l) => l.kind === "user");
    expect(scopeForUser(usersOnly, { email: "max@contoso.com", entraObjectId: null, entraGroups: GROUPS_UNKNOWN })).toBeNull();
    expect(scopeForUser(usersOnly, { email: "lena@contoso.com", entraObjectId: null, entraGroups: GROUPS_UNKNOWN })).toEqual([A]);
    expect(scopeForUser([], { email: "max@contoso.com", entraObjectId: null, entraGroups: GROUPS_UNKNOWN })).toBeNull();
  });
});
