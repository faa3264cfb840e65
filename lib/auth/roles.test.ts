import { describe, expect, it } from "vitest";
import { hasRole, parseGroupRoles, parseRole, roleFromClaims } from "./roles";

describe("roles", () => {
  it("each role includes the ones below it; no role includes none", () => {
    expect(hasRole("Admin", "Operator")).toBe(true);
    expect(hasRole("Operator", "Operator")).toBe(true);
    expect(hasRole("Operator", "Admin")).toBe(false);
    expect(hasRole("Reader", "Operator")).toBe(false);
    expect(hasRole(null, "Reader")).toBe(false);
  });

  it("reads a stored role strictly", () => {
    expect(parseRole("Operator")).toBe("Operator");
    expect(parseRole("admin")).toBeNull();
    expect(parseRole(null)).toBeNull();
  });

  it("takes the highest JoinScope app role of the roles claim, ignoring other values", () => {
    expect(roleFromClaims({ roles: ["JoinScope.Reader", "JoinScope.Operator", "Other.Admin"] })).toBe("Operator");
    expect(roleFromClaims({ roles: ["Admin", "joinscope.admin"] })).toBeNull();
    expect(roleFromClaims({ roles: "JoinScope.Admin" })).toBeNull();
    expect(roleFromClaims({})).toBeNull();
  });

  it("maps groups to roles when configured, the highest of claim and groups winning", () => {
    const groups = parseGroupRoles("AAAAAAAA-0000-4000-8000-000000000001=Admin, aaaaaaaa-0000-4000-8000-000000000002=Reader");
    if (typeof groups === "string") throw new Error(groups);
    expect(roleFromClaims({ groups: ["aaaaaaaa-0000-4000-8000-000000000001"] }, groups)).toBe("Admin");
    expect(roleFromClaims({ roles: ["JoinScope.Operator"], groups: ["aaaaaaaa-0000-4000-8000-000000000002"] }, groups)).toBe("Operator");
    expect(roleFromClaims({ groups: ["bbbbbbbb-0000-4000-8000-000000000002"] }, groups)).toBeNull();
    expect(parseGroupRoles("not-a-guid=Admin")).toMatch(/is not <group object id>=/);
    expect(parseGroupRoles("aaaaaaaa-0000-4000-8000-000000000002=Owner")).toMatch(/is not/);
  });

  it("skips values of a claim that are not strings, and still reads the strings beside them", () => {
    const groups = parseGroupRoles("aaaaaaaa-0000-4000-8000-000000000001=Admin");
    if (typeof groups === "string") throw new Error(groups);
    expect(roleFromClaims({ roles: [7, null, "JoinScope.Reader"] })).toBe("Reader");
    expect(roleFromClaims({ groups: [{}, 42, "AAAAAAAA-0000-4000-8000-000000000001"] }, groups)).toBe("Admin");
  });

  it("reads a group map with empty items and spaces, and refuses an item with anything before the id or after the role", () => {
    const map = parseGroupRoles(" , aaaaaaaa-0000-4000-8000-000000000002=Reader ,, ");
    expect(map).toEqual(new Map([["aaaaaaaa-0000-4000-8000-000000000002", "Reader"]]));
    expect(parseGroupRoles("")).toEqual(new Map());
    expect(parseGroupRoles("xaaaaaaaa-0000-4000-8000-000000000002=Reader")).toBe(
      '"xaaaaaaaa-0000-4000-8000-000000000002=Reader" is not <group object id>=Reader|Operator|Admin',
    );
    expect(parseGroupRoles("aaaaaaaa-0000-4000-8000-000000000002=Reader extra")).toMatch(/is not <group object id>=/);
  });
});
