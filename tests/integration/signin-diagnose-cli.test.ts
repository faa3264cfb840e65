/**
 * `joinscope signin-diagnose` as an admin runs it (the real bin, a child process) on realistic sign-in events written
 * for this project (lib/signins/fixtures: each imitates one helpdesk case, see its README) with the dsregcmd capture of
 * the user's machine (lib/reports/fixtures) and the Graph device object the admin saved.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { signInFixturePath } from "@/lib/signins/fixtures";
import { ROOT } from "../setup/databases";
import { runJoinscope } from "../setup/run-joinscope";

const signIn = signInFixturePath;
const report = (name: string) => join(ROOT, "lib/reports/fixtures", name);

interface Output {
  signIn: { id: string; createdDateTime: string; userPrincipalName: string | null; appDisplayName: string | null; errorCode: number; deviceId: string | null };
  findings: { rule: string; severity: string; title: string; explanation: string; evidence: unknown[]; remediation: string[] }[];
}

async function diagnose(...args: string[]): Promise<Output> {
  const r = await runJoinscope(["signin-diagnose", ...args]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Output;
}

const rules = (o: Output) => o.findings.map((f) => f.rule);

describe("joinscope signin-diagnose: one rule per case", () => {
  it("prints the contract: the sign-in's summary and its findings with evidence and remediation", async () => {
    const out = await diagnose(signIn("chrome-no-extension.json"), report("win11-24h2-hybrid-full.txt"));
    expect(out.signIn).toEqual({
      id: "8a3f5c21-4d7e-4b9a-a1c6-2e5f8d9b7c00",
      createdDateTime: "2025-03-09T14:12:31.443Z",
      userPrincipalName: "jdoe@contoso.com",
      appDisplayName: "OfficeHome",
      errorCode: 53000,
      deviceId: null,
    });
    expect(Object.keys(out)).toEqual(["signIn", "findings"]);
    expect(Object.keys(out.findings[0]!)).toEqual(["rule", "severity", "title", "explanation", "evidence", "remediation"]);
    expect(rules(out)).toEqual(["ca-device-not-presented"]);
    expect(out.findings[0]!.title).toBe("No device presented: Chrome without the Microsoft Single Sign On extension");
  });

  it.each([
    ["firefox-no-windows-sso.json", "Firefox without Windows single sign-on"],
    ["outlook-desktop-no-broker.json", "Desktop app that does not use the Windows broker"],
  ])("ca-device-not-presented names the client of %s", async (file, label) => {
    const out = await diagnose(signIn(file), report("win11-24h2-hybrid-full.txt"));
    expect(rules(out)).toEqual(["ca-device-not-presented"]);
    expect(out.findings[0]!.title).toContain(label);
  });

  it("ca-device-no-prt: links the machine's prt-missing finding and names its cause", async () => {
    const out = await diagnose(signIn("edge-entra-wrong-password-no-prt.json"), report("win11-22h2-entra-wrong-password.txt"));
    expect(rules(out)).toEqual(["ca-device-no-prt"]);
    expect(out.findings[0]!.title).toBe("No usable PRT on FAB-LT-2291: wrong credentials or password not synced");
    expect(out.findings[0]!.explanation).toContain("prt-missing");
  });

  it("ca-device-no-prt: a PRT that expired before the sign-in", async () => {
    const out = await diagnose(signIn("edge-expired-prt.json"), report("win11-23h2-hybrid.txt"));
    expect(rules(out)).toEqual(["ca-device-no-prt"]);
    expect(out.findings[0]!.explanation).toContain("expired on 2025-11-17 07:13 UTC");
  });

  it("ca-device-not-joined: a registered PC against a hybrid-join policy", async () => {
    const out = await diagnose(signIn("edge-registered-needs-hybrid.json"), report("win10-21h2-registered.txt"));
    expect(rules(out)).toEqual(["ca-device-not-joined"]);
    expect(out.findings[0]!.severity).toBe("high");
  });

  it("ca-device-not-compliant: managed by Intune but not compliant", async () => {
    const out = await diagnose(signIn("edge-not-compliant.json"));
    expect(rules(out)).toEqual(["ca-device-not-compliant"]);
    expect(out.findings[0]!.title).toBe("FAB-LT-3350 is not compliant");
  });

  it("ca-device-object-mismatch: the leftover registration presented instead of PC-0142's hybrid join", async () => {
    const out = await diagnose(
      signIn("edge-leftover-registration.json"),
      report("win11-24h2-hybrid-full.txt"),
      signIn("device-pc-0142-leftover-registration.json"),
    );
    expect(rules(out)).toEqual(["ca-device-object-mismatch"]);
    expect(out.findings[0]!.title).toBe("PC-0142 presented its leftover registration, not its join");
    expect(JSON.stringify(out.findings[0]!.evidence)).toContain("8d9e0f1a-2b3c-4d4e-9f5a-6b7c8d9e0f1a");
  });

  it("ca-device-object-mismatch needs only the report: the sign-in presented another deviceId than the machine's", async () => {
    const out = await diagnose(signIn("edge-leftover-registration.json"), report("win11-24h2-hybrid-full.txt"));
    expect(rules(out)).toEqual(["ca-device-object-mismatch"]);
  });

  it("ca-device-object-gone: the disabled PC-0466 (DEVICE.json before or after the report)", async () => {
    const a = await diagnose(signIn("edge-disabled-device.json"), report("win11-24h2-hybrid-disabled.txt"), signIn("device-pc-0466-disabled.json"));
    const b = await diagnose(signIn("edge-disabled-device.json"), signIn("device-pc-0466-disabled.json"), report("win11-24h2-hybrid-disabled.txt"));
    expect(rules(a)).toEqual(["ca-device-object-gone"]);
    expect(b).toEqual(a);
    expect(a.findings[0]!.title).toBe("The sign-in presented a disabled device object");
  });

  it("ca-device-object-gone: Graph's empty answer for the presented deviceId", async () => {
    const dir = mkdtempSync(join(tmpdir(), "joinscope-signin-"));
    const empty = join(dir, "none.json");
    writeFileSync(empty, JSON.stringify({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#devices", value: [] }));
    const out = await diagnose(signIn("edge-disabled-device.json"), empty);
    expect(out.findings[0]!.title).toBe("The sign-in presented a device that has no object in the directory");
  });
});

describe("joinscope signin-diagnose: what needs no finding, pages, text", () => {
  it("gives no finding for a successful sign-in, nor for a block that is not about the device", async () => {
    expect((await diagnose(signIn("edge-success.json"), report("win11-24h2-hybrid-full.txt"))).findings).toEqual([]);
    expect((await diagnose(signIn("blocked-by-location.json"))).findings).toEqual([]);
  });

  it("reads a Graph page and prints { results: [...] } in the page's order", async () => {
    const r = await runJoinscope(["signin-diagnose", signIn("page-contoso.json"), report("win11-24h2-hybrid-full.txt")]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { results: Output[] };
    expect(Object.keys(out)).toEqual(["results"]);
    expect(out.results.map((x) => [x.signIn.errorCode, rules(x)])).toEqual([
      [53003, []],
      [53000, ["ca-device-not-presented"]],
      [53000, ["ca-device-not-presented"]],
      [53001, ["ca-device-object-mismatch"]],
    ]);
  });

  it("reads the sign-in from standard input", async () => {
    const { readFileSync } = await import("node:fs");
    const r = await runJoinscope(["signin-diagnose", "-"], readFileSync(signIn("edge-not-compliant.json")));
    expect(r.code).toBe(0);
    expect(rules(JSON.parse(r.stdout) as Output)).toEqual(["ca-device-not-compliant"]);
  });

  it("prints text with the sign-in's header, evidence and numbered fix", async () => {
    const r = await runJoinscope(["signin-diagnose", "--format", "text", signIn("chrome-no-extension.json"), report("win11-24h2-hybrid-full.txt")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "Sign-in 8a3f5c21-4d7e-4b9a-a1c6-2e5f8d9b7c00 · 2025-03-09 14:12 UTC · jdoe@contoso.com · OfficeHome · error 53000 · device not presented",
    );
    expect(r.stdout).toContain("[MEDIUM] No device presented: Chrome without the Microsoft Single Sign On extension  (ca-device-not-presented)");
    expect(r.stdout).toContain("    1. Deploy the Microsoft Single Sign On extension");
    const ok = await runJoinscope(["signin-diagnose", "--format", "text", signIn("edge-success.json")]);
    expect(ok.stdout).toContain("No findings: the sign-in succeeded.");
  });
});

describe("joinscope signin-diagnose: bad input", () => {
  it("exits 1 with a clear message for input that is not a sign-in (a Graph device object, a report, a page of devices)", async () => {
    for (const file of [report("graph-device.json"), report("win11-24h2-hybrid-full.txt"), signIn("device-pc-0466-disabled.json")]) {
      const r = await runJoinscope(["signin-diagnose", file]);
      expect(r.code, file).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr, file).toMatch(/^joinscope: .*not (a sign-in as Graph returns it|JSON)/);
    }
  });

  it("exits 1 for a missing file, an unreadable report and a directory object of another device", async () => {
    expect((await runJoinscope(["signin-diagnose", "/nonexistent/signin.json"])).stderr).toContain("no such file");
    const wrong = await runJoinscope(["signin-diagnose", signIn("edge-disabled-device.json"), signIn("device-pc-0142-leftover-registration.json")]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("but the sign-in presented 74df6508-0658-4bb8-a70f-6f79c11fb95c");
    const notReport = await runJoinscope(["signin-diagnose", signIn("edge-success.json"), report("ipconfig-all.txt")]);
    expect(notReport.code).toBe(1);
  });

  it("exits 2 with its usage for no sign-in, too many files or a bad format; --help prints it", async () => {
    for (const args of [[], ["a", "b", "c", "d"], ["--format", "xml", signIn("edge-success.json")]]) {
      const r = await runJoinscope(["signin-diagnose", ...args]);
      expect(r.code, args.join(" ")).toBe(2);
    }
    const help = await runJoinscope(["signin-diagnose", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("joinscope signin-diagnose [--format json|text] SIGNIN.json [REPORT.txt] [DEVICE.json]");
  });
});
