import { describe, expect, it } from "vitest";
import { describeScopeDecision, isDnInScope, isSyncScopeConfigured, normalizeDn, splitDn } from "@/lib/rules/sync-scope";
import { CONTOSO_SCOPE } from "@/lib/rules/testing/make-directory-object";

const dn = (ou: string) => `CN=PC-0142,${ou}DC=corp,DC=contoso,DC=com`;

describe("isDnInScope (longest matching container wins)", () => {
  it.each([
    ["under an include", dn("OU=Workstations,OU=Corp,"), true],
    ["deeper under an include", dn("OU=Floor2,OU=Laptops,OU=Corp,"), true],
    ["under no container", dn("OU=Staging,OU=Corp,"), false],
    ["under an exclude nested in an include", dn("OU=Disabled Computers,OU=Workstations,OU=Corp,"), false],
    ["case and spaces around commas and equals", "cn = PC-0142 , ou=WORKSTATIONS ,  OU = Corp,dc=Corp, DC=contoso ,DC = COM", true],
    ["another forest", "CN=PC-0142,OU=Workstations,OU=Corp,DC=fabrikam,DC=com", false],
  ])("%s", (_name, value, expected) => {
    expect(isDnInScope(value, CONTOSO_SCOPE)).toBe(expected);
  });

  it("an include nested in an exclude is the longer suffix and wins", () => {
    const scope = {
      forests: [
        {
          name: "corp.contoso.com",
          include: ["DC=corp,DC=contoso,DC=com", "OU=Kiosks,OU=Lab,DC=corp,DC=contoso,DC=com"],
          exclude: ["OU=Lab,DC=corp,DC=contoso,DC=com"],
        },
      ],
    };
    expect(isDnInScope("CN=K1,OU=Kiosks,OU=Lab,DC=corp,DC=contoso,DC=com", scope)).toBe(true);
    expect(isDnInScope("CN=L1,OU=Lab,DC=corp,DC=contoso,DC=com", scope)).toBe(false);
    expect(isDnInScope("CN=S1,OU=Servers,DC=corp,DC=contoso,DC=com", scope)).toBe(true);
  });

  it("exclude wins a tie (the same container listed twice)", () => {
    const scope = { forests: [{ name: "corp.contoso.com", include: ["OU=A,DC=corp,DC=contoso,DC=com"], exclude: ["ou=a, dc=corp, dc=contoso, dc=com"] }] };
    expect(isDnInScope("CN=X,OU=A,DC=corp,DC=contoso,DC=com", scope)).toBe(false);
  });

  it("does not treat an RDN prefix as a container (OU=Work is not OU=Workstations)", () => {
    const scope = { forests: [{ name: "corp.contoso.com", include: ["OU=Work,DC=corp,DC=contoso,DC=com"], exclude: [] }] };
    expect(isDnInScope("CN=X,OU=Workstations,DC=corp,DC=contoso,DC=com", scope)).toBe(false);
  });

  it("keeps escaped commas inside an RDN", () => {
    expect(splitDn("CN=Doe\\, John,OU=Users,DC=corp")).toEqual(["cn=doe\\, john", "ou=users", "dc=corp"]);
    expect(normalizeDn(" OU = Laptops , DC=Corp ")).toBe("ou=laptops,dc=corp");
  });
});

describe("describeScopeDecision", () => {
  it("names the matching include", () => {
    const decision = describeScopeDecision(dn("OU=Laptops,OU=Corp,"), CONTOSO_SCOPE);
    expect(decision).toMatchObject({
      inScope: true,
      forest: "corp.contoso.com",
      matched: { kind: "include", container: "OU=Laptops,OU=Corp,DC=corp,DC=contoso,DC=com" },
      nearestInclude: null,
    });
  });

  it("names the excluding container, or the nearest include when nothing matches", () => {
    expect(describeScopeDecision(dn("OU=Disabled Computers,OU=Workstations,OU=Corp,"), CONTOSO_SCOPE).matched).toEqual({
      kind: "exclude",
      container: "OU=Disabled Computers,OU=Workstations,DC=corp,DC=contoso,DC=com".replace("OU=Workstations,", "OU=Workstations,OU=Corp,"),
      forest: "corp.contoso.com",
    });
    const outside = describeScopeDecision(dn("OU=Staging,OU=Corp,"), CONTOSO_SCOPE);
    expect(outside).toMatchObject({ inScope: false, forest: "corp.contoso.com", matched: null });
    // Both includes share OU=Corp with the DN; the tie is broken by text so the answer is stable.
    expect(outside.nearestInclude?.container).toBe("OU=Laptops,OU=Corp,DC=corp,DC=contoso,DC=com");
    expect(outside.summary).toContain("nearest synced container");
  });

  it("belongs to no forest when neither the DC components nor a container match", () => {
    const decision = describeScopeDecision("CN=PC,OU=X,DC=fabrikam,DC=com", CONTOSO_SCOPE);
    expect(decision).toMatchObject({ inScope: false, forest: null, matched: null, nearestInclude: null });
  });

  it("recognises a child domain of the forest", () => {
    expect(describeScopeDecision("CN=PC,OU=X,DC=emea,DC=corp,DC=contoso,DC=com", CONTOSO_SCOPE).forest).toBe("corp.contoso.com");
  });
});

describe("isSyncScopeConfigured", () => {
  it("is false for null, no forests, or forests without includes", () => {
    expect(isSyncScopeConfigured(null)).toBe(false);
    expect(isSyncScopeConfigured({ forests: [] })).toBe(false);
    expect(isSyncScopeConfigured({ forests: [{ name: "corp.contoso.com", include: [" "], exclude: ["OU=X,DC=corp"] }] })).toBe(false);
    expect(isSyncScopeConfigured(CONTOSO_SCOPE)).toBe(true);
  });
});
