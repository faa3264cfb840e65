import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ReportUploadSchema } from "@/lib/ingest/upload-schema";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import { AGENT_FIXTURE_DIR, AGENT_FIXTURES, readAgentFixture } from "./agent-fixtures";
import { accountNames, protectUserNames, userToken } from "./agent-payload";
import { buildAgentFixtures } from "./generate-agent-fixtures";

describe("recorded agent payloads (tests/agent/fixtures)", () => {
  it("are exactly what the generator writes, and every file is catalogued", () => {
    const built = buildAgentFixtures();
    expect(
      readdirSync(AGENT_FIXTURE_DIR)
        .filter((f) => f.endsWith(".json"))
        .sort(),
    ).toEqual(built.map((b) => b.file).sort());
    expect(AGENT_FIXTURES.map((f) => f.file).sort()).toEqual(built.map((b) => b.file).sort());
    for (const { file, bytes } of built)
      expect(readAgentFixture(file).equals(bytes), `${file} is stale: run npx tsx tests/agent/generate-agent-fixtures.ts`).toBe(true);
  });

  describe.each(AGENT_FIXTURES)("$file", (fixture) => {
    const bytes = readAgentFixture(fixture.file);
    const body = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;

    it("is UTF-8 JSON without a BOM, well under the 1 MiB cap", () => {
      expect([...bytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes[0]).toBe("{".charCodeAt(0));
      expect(bytes.length).toBeLessThan(1_000_000);
    });

    it("matches ReportUploadSchema (strict: no field the server does not know)", () => {
      const result = ReportUploadSchema.safeParse(body);
      expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
      expect(Object.keys(body)[0]).toBe("hostname");
      expect(body.hostname).toBe(fixture.hostname);
      expect("dsregcmdSystem" in body).toBe(fixture.expected.hasSystemCapture);
    });

    it("holds captures the parser reads as the expected device, with CRLF line ends", () => {
      const parsed = parseDsregcmd(body.dsregcmd as string);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(parsed.report.deviceId ?? parsed.report.sections.flatMap((s) => s.fields).find((f) => f.key === "WorkplaceDeviceId")?.value ?? null).toBe(
        fixture.expected.deviceId,
      );
      expect(parsed.report.joinType).toBe(fixture.expected.joinType);
      expect(body.dsregcmd as string).not.toMatch(/[^\r]\n/);
      if (fixture.expected.hasSystemCapture) {
        const system = parseDsregcmd(body.dsregcmdSystem as string);
        expect(system.ok).toBe(true);
        if (!system.ok) return;
        // What SYSTEM sees: no PRT and no per-user Workplace registration. (The registered capture has
        // no Diagnostic Data section, so no Executing Account Name either.)
        expect([null, "NT AUTHORITY\\SYSTEM"]).toContain(system.report.executingAccount);
        expect(system.report.azureAdPrt).not.toBe(true);
        expect(system.report.workplaceJoined).not.toBe(true);
        // A registration is per user: SYSTEM does not see the Work Account, joins are machine-wide.
        expect(system.report.deviceId).toBe(fixture.expected.joinType === "registered" ? null : parsed.report.deviceId);
      }
    });

    it(`is serialised the way PowerShell ${fixture.edition} does`, () => {
      const text = bytes.toString("utf8");
      if (fixture.edition === "5.1") {
        // JavaScriptSerializer escapes < > & ' ; a raw one would mean the body did not come from 5.1.
        expect(text).not.toMatch(/[<>&']/);
      }
      expect(text).not.toContain("\n");
      expect(text).toBe(
        JSON.stringify(JSON.parse(text)).replace(/[<>&']/g, (c) => (fixture.edition === "5.1" ? "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0") : c)),
      );
    });
  });

  it("the Windows PowerShell 5.1 body carries non-ASCII names as UTF-8 bytes, not ISO-8859-1", () => {
    const bytes = readAgentFixture("hybrid-ps51-non-ascii.json");
    expect(bytes.includes(Buffer.from("jörg.müller", "utf8"))).toBe(true);
    expect(bytes.includes(Buffer.from("jörg.müller", "latin1"))).toBe(false);
    expect(bytes.toString("utf8")).toContain("\\r\\n");
  });

  it("the redacted body names no user but keeps domains, devices and error codes", () => {
    const text = readAgentFixture("hybrid-deleted-redacted.json").toString("utf8");
    expect(text).not.toMatch(/megan|bowen/i);
    expect(text).toMatch(/CONTOSO\\\\user-[0-9a-f]{6}, user-[0-9a-f]{6}@contoso\.com/);
    expect(text).toContain("AADSTS50155");
    expect(text).toContain("52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b");
    expect(new Set(text.match(/user-[0-9a-f]{6}/g))).toHaveProperty("size", 1);
  });
});

describe("protectUserNames (twin of Protect-UserNames in the script)", () => {
  const salt = "s3cret";
  const tok = (n: string) => userToken(n, salt);

  it("hashes the same name to the same token whatever its case, and different names apart", () => {
    expect(tok("Megan.Bowen")).toBe(tok("megan.bowen"));
    expect(tok("megan.bowen")).toMatch(/^user-[0-9a-f]{6}$/);
    expect(tok("megan.bowen")).not.toBe(tok("adele.vance"));
    expect(userToken("megan.bowen", "other salt")).not.toBe(tok("megan.bowen"));
  });

  it("replaces DOMAIN\\name, UPNs and User Identity but leaves SYSTEM, machine accounts, URLs and GUIDs", () => {
    const text = [
      "    Executing Account Name : CONTOSO\\megan.bowen, Megan.Bowen@contoso.com",
      "             User Identity : megan.bowen@contoso.com",
      "              WamDefaultId : https://login.microsoft.com",
      "    Executing Account Name : NT AUTHORITY\\SYSTEM",
      "Account: CONTOSO\\PC-0455$ UPN: jörg.müller@corp.contoso.com",
      "                  DeviceId : 52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b",
    ].join("\r\n");
    const accounts = [...accountNames([text]), "CONTOSO\\PC-0455$"];
    expect(accounts).toEqual(["CONTOSO\\megan.bowen", "NT AUTHORITY\\SYSTEM", "CONTOSO\\PC-0455$"]);
    const out = protectUserNames(text, accounts, salt);
    expect(out).toBe(
      [
        `    Executing Account Name : CONTOSO\\${tok("megan.bowen")}, ${tok("megan.bowen")}@contoso.com`,
        `             User Identity : ${tok("megan.bowen")}@contoso.com`,
        "              WamDefaultId : https://login.microsoft.com",
        "    Executing Account Name : NT AUTHORITY\\SYSTEM",
        `Account: CONTOSO\\PC-0455$ UPN: ${tok("jörg.müller")}@corp.contoso.com`,
        "                  DeviceId : 52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b",
      ].join("\r\n"),
    );
    expect(protectUserNames(out, accounts, salt)).toBe(out);
  });

  it("does not touch a name that is only a prefix of another", () => {
    const out = protectUserNames("CONTOSO\\jo and CONTOSO\\john, bojo@contoso.com", ["CONTOSO\\jo"], salt);
    expect(out).toBe(`CONTOSO\\${tok("jo")} and CONTOSO\\john, ${tok("bojo")}@contoso.com`);
  });
});
