/**
 * `joinscope proxy-diagnose` as an admin runs it (the real bin, a child process) on the Application Proxy fixtures
 * (lib/proxy/fixtures/README.md says what each imitates): the JSON contract, the text form, exit 1 on a file that is
 * not an accepted format, exit 2 on usage errors.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { proxyFixturePath as fixture } from "@/lib/proxy/fixtures";
import { websocket504Saz } from "@/lib/proxy/testing/write-zip";
import { runJoinscope, runJoinscopeOnEndlessInput } from "../setup/run-joinscope";

interface Output {
  files: { name: string; kind: string; records: number; failures: number }[];
  findings: {
    rule: string;
    severity: string;
    title: string;
    explanation: string;
    evidence: { source: string; field: string; value: string }[];
    remediation: string[];
  }[];
}

const tmp = mkdtempSync(join(tmpdir(), "joinscope-proxy-cli-"));

describe("joinscope proxy-diagnose", { timeout: 180_000 }, () => {
  it("prints { files, findings }: the TLS-trust trace with the WebSocket 504 HAR gives the certificate-name finding", async () => {
    const r = await runJoinscope(["proxy-diagnose", fixture("tls-name-mismatch.log"), fixture("websocket-504.har")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Output;
    expect(Object.keys(out)).toEqual(["files", "findings"]);
    expect(out.files.map((f) => [f.name, f.kind])).toEqual([
      ["tls-name-mismatch.log", "connector-trace"],
      ["websocket-504.har", "har"],
    ]);
    expect(Object.keys(out.findings[0]!)).toEqual(["rule", "severity", "title", "explanation", "evidence", "remediation"]);
    expect(out.findings.map((f) => f.rule)).toEqual(["proxy-backend-cert-name-mismatch"]);
    expect(out.findings[0]!.remediation.join("\n")).toContain("to https://app01.corp.contoso.com:8443/");
  });

  it("reads a SAZ and an event log export in any order, and the text form", async () => {
    const saz = join(tmp, "ops-board.saz");
    writeFileSync(saz, websocket504Saz());
    const r = await runJoinscope(["proxy-diagnose", "--format", "text", saz, fixture("admin-events.xml")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ops-board.saz: Fiddler session archive (SAZ), 2 requests, 1 failed");
    expect(r.stdout).toContain("[HIGH] WebSocket upgrade times out (504)");
  });

  it("a healthy pair: no finding above info", async () => {
    const r = await runJoinscope(["proxy-diagnose", fixture("healthy.log"), fixture("healthy.har")]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Output).findings.map((f) => f.severity)).toEqual(["info"]);
  });

  it("exit 1 with the file and the reason for input it does not accept", async () => {
    const cut = join(tmp, "cut.har");
    writeFileSync(cut, "{\n" + '"log": {"entries": [ {"request": {"method": "GET"');
    const bin = join(tmp, "image.png");
    writeFileSync(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]));
    const truncated = await runJoinscope(["proxy-diagnose", cut]);
    expect([truncated.code, truncated.stdout, truncated.stderr]).toEqual([
      1,
      "",
      "joinscope: cut.har: the file ends inside entries[0] (line 2): it is truncated\n",
    ]);
    const binary = await runJoinscope(["proxy-diagnose", bin]);
    expect(binary.code).toBe(1);
    expect(binary.stderr).toMatch(/^joinscope: image\.png: binary data, not text/);
    const missing = await runJoinscope(["proxy-diagnose", join(tmp, "nope.log")]);
    expect([missing.code, missing.stderr]).toEqual([1, `joinscope: cannot read ${join(tmp, "nope.log")}: no such file\n`]);
  });

  it("reads standard input", async () => {
    const r = await runJoinscope(
      ["proxy-diagnose", "-"],
      "AadAppProxyConnector Error: 0 : 2026-11-03 09:00:00Z The remote name could not be resolved: 'app02'\n",
    );
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Output).findings.map((f) => f.rule)).toEqual(["proxy-backend-dns-failure"]);
  });

  it("standard input that goes on past 100 MB is refused as it passes the limit, not read to its end first", async () => {
    // An endless producer (`tail -f trace.log | joinscope proxy-diagnose -`): 110 MB are written and standard input is
    // left open. Reading it whole before the size check waited for an end that never comes (and held every byte).
    const line = "AadAppProxyConnector Information: 0 : 2026-11-03 09:00:00Z Connector heartbeat sent\n";
    const { code, stderr } = await runJoinscopeOnEndlessInput(["proxy-diagnose", "-"], line, 110 * 1024 * 1024);
    expect([code, stderr]).toEqual([1, expect.stringMatching(/^joinscope: standard input: larger than 100 MB/)]);
  });

  it("exit 2 on usage errors, --help prints the usage", async () => {
    expect((await runJoinscope(["proxy-diagnose"])).code).toBe(2);
    const format = await runJoinscope(["proxy-diagnose", "--format", "xml", fixture("healthy.log")]);
    expect([format.code, format.stderr]).toEqual([2, 'joinscope: --format must be json or text, not "xml"\n']);
    expect((await runJoinscope(["proxy-diagnose", "--bogus", fixture("healthy.log")])).code).toBe(2);
    const help = await runJoinscope(["proxy-diagnose", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("joinscope proxy-diagnose [--format json|text] FILE...");
  });
});
