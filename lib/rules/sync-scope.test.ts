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

describe("splitDn's separators, escapes and blanks", () => {
  it.each([
    ["a semicolon separates RDNs as a comma does", "OU=Laptops;DC=corp", ["ou=laptops", "dc=corp"]],
    ["a trailing backslash is kept as written", "OU=Laptops\\", ["ou=laptops\\"]],
    ["runs of spaces and tabs in a value become one space", "OU=Disabled  \t Computers,DC=corp", ["ou=disabled computers", "dc=corp"]],
    ["an RDN without = is trimmed and lower-cased", " Corp ,DC=corp", ["corp", "dc=corp"]],
    ["empty RDNs are dropped", "OU=Laptops,, ,DC=corp,", ["ou=laptops", "dc=corp"]],
  ])("%s", (_name, value, expected) => {
    expect(splitDn(value)).toEqual(expected);
  });
});

describe("isSyncScopeConfigured with some includes blank", () => {
  it.each([
    ["undefined", undefined, false],
    [
      "a second forest with an include",
      {
        forests: [
          { name: "a.example", include: [], exclude: [] },
          { name: "corp.contoso.com", include: ["OU=A,DC=corp"], exclude: [] },
        ],
      },
      true,
    ],
    ["a blank include beside a real one", { forests: [{ name: "corp.contoso.com", include: [" ", "OU=A,DC=corp"], exclude: [] }] }, true],
  ])("%s", (_name, scope, expected) => {
    expect(isSyncScopeConfigured(scope)).toBe(expected);
  });
});

describe("describeScopeDecision: the summary, the forest and the nearest include", () => {
  const root = "DC=corp,DC=contoso,DC=com";

  it.each([
    [
      "under an include",
      dn("OU=Laptops,OU=Corp,"),
      CONTOSO_SCOPE,
      { inScope: true, forest: "corp.contoso.com", nearestInclude: null, summary: `In scope: under the synced container OU=Laptops,OU=Corp,${root}.` },
    ],
    [
      // Workstations shares five RDNs with the DN, Laptops four: the longer wins although "laptops" sorts first.
      "under an exclude nested in an include",
      dn("OU=Disabled Computers,OU=Workstations,OU=Corp,"),
      CONTOSO_SCOPE,
      {
        inScope: false,
        forest: "corp.contoso.com",
        nearestInclude: { kind: "include", container: `OU=Workstations,OU=Corp,${root}`, forest: "corp.contoso.com" },
        summary: `Out of scope: under the excluded container OU=Disabled Computers,OU=Workstations,OU=Corp,${root}, which overrides the shorter include above it.`,
      },
    ],
    [
      "in the domain's default Computers container",
      `CN=PC-0142,CN=Computers,${root}`,
      CONTOSO_SCOPE,
      {
        inScope: false,
        forest: "corp.contoso.com",
        matched: null,
        nearestInclude: { kind: "include", container: `OU=Laptops,OU=Corp,${root}`, forest: "corp.contoso.com" },
        summary: `Out of scope: under no synced container of forest corp.contoso.com (nearest synced container: OU=Laptops,OU=Corp,${root}).`,
      },
    ],
    [
      "at the domain's root",
      `CN=PC-0142,${root}`,
      { forests: [{ name: "corp.contoso.com", include: ["OU=Workstations,DC=fabrikam,DC=net"], exclude: [] }] },
      {
        inScope: false,
        forest: "corp.contoso.com",
        matched: null,
        // The forest's only include is in its other tree: it shares nothing with the DN.
        nearestInclude: null,
        summary: "Out of scope: under no synced container of forest corp.contoso.com.",
      },
    ],
    [
      "in another forest",
      "CN=PC,OU=X,DC=fabrikam,DC=com",
      CONTOSO_SCOPE,
      { inScope: false, forest: null, matched: null, nearestInclude: null, summary: "Unknown: the DN belongs to no forest in the configured sync scope." },
    ],
  ])("%s", (_name, value, scope, expected) => {
    expect(describeScopeDecision(value, scope)).toMatchObject({ dn: value, ...expected });
  });

  it("takes an exclude sharing more with the DN for no synced container", () => {
    const scope = { forests: [{ name: "corp.contoso.com", include: [`OU=Workstations,${root}`], exclude: [`OU=Old,OU=Lab,${root}`] }] };
    expect(describeScopeDecision(`CN=PC,OU=New,OU=Lab,${root}`, scope).nearestInclude).toEqual({
      kind: "include",
      container: `OU=Workstations,${root}`,
      forest: "corp.contoso.com",
    });
  });

  it("breaks a tie of the nearest includes by text, in whichever order they are configured", () => {
    const includes = [`OU=Workstations,OU=Corp,${root}`, `OU=Laptops,OU=Corp,${root}`];
    for (const include of [includes, [...includes].reverse()]) {
      const scope = { forests: [{ name: "corp.contoso.com", include, exclude: [] }] };
      expect(describeScopeDecision(dn("OU=Staging,OU=Corp,"), scope).nearestInclude?.container).toBe(`OU=Laptops,OU=Corp,${root}`);
    }
  });

  it("lets an exclude win a tie with the same container included by another forest's entry", () => {
    const scope = {
      forests: [
        { name: "corp.contoso.com", include: [], exclude: [`OU=A,${root}`] },
        { name: "contoso.com", include: [`OU=A,${root}`], exclude: [] },
      ],
    };
    expect(describeScopeDecision(`CN=X,OU=A,${root}`, scope)).toMatchObject({ inScope: false, matched: { kind: "exclude", forest: "corp.contoso.com" } });
  });

  it("ignores another forest's include when naming the nearest one", () => {
    const scope = {
      forests: [
        { name: "corp.contoso.com", include: [`OU=Laptops,${root}`], exclude: [] },
        { name: "fabrikam.com", include: [`OU=Kiosks,OU=Staging,OU=Corp,${root}`], exclude: [] },
      ],
    };
    expect(describeScopeDecision(dn("OU=Staging,OU=Corp,"), scope)).toMatchObject({
      forest: "corp.contoso.com",
      nearestInclude: { container: `OU=Laptops,${root}`, forest: "corp.contoso.com" },
    });
  });

  it.each([
    ["its DNS name", "corp.contoso.com"],
    ["its DNS name in capitals, with spaces and the root's dot", " Corp.Contoso.COM. "],
    ["its DN", "DC=corp, DC=contoso, DC=com"],
  ])("finds the forest by %s alone", (_name, name) => {
    // The only include is in another domain tree of the forest, so only the name places the DN.
    const scope = { forests: [{ name, include: ["OU=Workstations,DC=fabrikam,DC=net"], exclude: [] }] };
    expect(describeScopeDecision(`CN=PC,OU=Staging,${root}`, scope).forest).toBe(name);
  });

  it.each([
    ["an include", { name: "Contoso", include: [`OU=Workstations,${root}`], exclude: [] }, `CN=PC,CN=Computers,${root}`],
    [
      "an exclude",
      { name: "Contoso", include: [`OU=Workstations,${root}`], exclude: ["OU=Kiosks,DC=lab,DC=contoso,DC=com"] },
      "CN=K2,OU=Other,DC=lab,DC=contoso,DC=com",
    ],
  ])("finds a forest whose name is no domain by the domain of %s", (_name, forest, value) => {
    expect(describeScopeDecision(value, { forests: [forest] }).forest).toBe("Contoso");
  });

  it("counts the container itself as under it", () => {
    expect(isDnInScope(`OU=Laptops,OU=Corp,${root}`, CONTOSO_SCOPE)).toBe(true);
  });
});
