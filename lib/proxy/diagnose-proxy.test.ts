/**
 * lib/proxy through its public functions on the fixtures (fixtures/README.md says what each imitates): the WebSocket
 * 504 case gives the certificate-name finding and its fix, a healthy pair nothing above info, and broken files clear
 * errors naming the line or entry.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagnoseProxy } from "./diagnose-proxy";
import { proxyFixturePath } from "./fixtures";
import { sourceFromBytes, sourceFromPath } from "./input";
import { readProxyFile } from "./read-proxy-file";
import { websocket504Saz, writeZip } from "./testing/write-zip";
import { ProxyInputError } from "./types";

const read = async (...names: string[]) => Promise.all(names.map(async (n) => readProxyFile(await sourceFromPath(proxyFixturePath(n)))));
const fromText = (name: string, text: string | Buffer) => readProxyFile(sourceFromBytes(name, Buffer.isBuffer(text) ? text : Buffer.from(text, "utf8")));
const errorOf = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ProxyInputError);
  return (e as Error).message;
};

describe("the TLS-trust trace with the 504 WebSocket session", () => {
  it("gives the certificate-name finding, paired by transaction id, with the fix naming the certificate's host", async () => {
    const { files, findings } = diagnoseProxy(await read("tls-name-mismatch.log", "websocket-504.har"));
    expect(files.map((f) => [f.kind, f.records, f.failures])).toEqual([
      ["connector-trace", 9, 2],
      ["har", 4, 1],
    ]);
    expect(findings.map((f) => f.rule)).toEqual(["proxy-backend-cert-name-mismatch"]);
    const f = findings[0]!;
    expect(f.severity).toBe("high");
    expect(f.title).toBe('WebSocket upgrade times out (504): the back end\'s certificate is not issued to "app01" but to "app01.corp.contoso.com"');
    expect(f.evidence).toContainEqual({
      source: "websocket-504.har · entries[2] (line 142)",
      field: "Paired by",
      value: "transaction id · 2026-11-03T09:14:22.098Z",
    });
    expect(f.evidence).toContainEqual(expect.objectContaining({ field: "SslPolicyErrors", value: "RemoteCertificateNameMismatch" }));
    expect(f.evidence).toContainEqual(expect.objectContaining({ source: "tls-name-mismatch.log · line 6", field: "Trace" }));
    expect(f.remediation[1]).toBe(
      "Change the application's Internal URL (Entra admin center > Enterprise applications > the app > Application proxy) from https://app01:8443/ to https://app01.corp.contoso.com:8443/, the name on the certificate, and check that the connector servers resolve app01.corp.contoso.com (Resolve-DnsName app01.corp.contoso.com).",
    );
    expect(f.remediation.join(" ")).toContain("1.5.612.0");
  });

  it("pairs the same way from the Fiddler archive and the Admin event log", async () => {
    const saz = await readProxyFile(sourceFromBytes("session.saz", websocket504Saz()));
    expect(saz.summary).toMatchObject({ kind: "saz", records: 2, failures: 1 });
    const [events] = await read("admin-events.xml");
    const { findings } = diagnoseProxy([events!, saz]);
    expect(findings.map((f) => f.rule)).toEqual(["proxy-backend-cert-name-mismatch"]);
    expect(findings[0]!.evidence).toContainEqual({ source: "session.saz · session 2", field: "Paired by", value: "transaction id · 2026-11-03T09:14:22.098Z" });
    expect(findings[0]!.evidence).toContainEqual(expect.objectContaining({ source: "admin-events.xml · event 2 (line 4)", field: "Event 13006" }));
  });

  it("without the trace, says how to turn on verbose tracing and what to capture", async () => {
    const { findings } = diagnoseProxy(await read("websocket-504.har"));
    expect(findings.map((f) => f.rule)).toEqual(["proxy-connector-trace-needed"]);
    expect(findings[0]!.title).toBe("1 request timed out at the proxy (504 GatewayTimeout, WebSocket upgrade); the connector's trace will say why");
    const steps = findings[0]!.remediation.join("\n");
    expect(steps).toContain('<add name="textListener" type="System.Diagnostics.TextWriterTraceListener"');
    expect(steps).toContain("Export HAR");
  });
});

describe("a healthy pair", () => {
  it("gives nothing above info", async () => {
    const { findings } = diagnoseProxy(await read("healthy.log", "healthy.har"));
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([["proxy-no-failure", "info"]]);
  });
});

describe("event logs", () => {
  it("reads Event Viewer's CSV with a multi-line description and explains Kerberos 13022", async () => {
    const [csv] = await read("admin-events.csv");
    expect(csv!.summary).toMatchObject({ kind: "event-log-csv", records: 2, failures: 1, from: "2026-11-03T09:10:02.000Z" });
    const { findings } = diagnoseProxy([csv!]);
    expect(findings.map((f) => f.rule)).toEqual(["proxy-kerberos-sso-failed"]);
    expect(findings[0]!.evidence[0]).toMatchObject({ source: "admin-events.csv · line 3", field: "Event 13022" });
  });
});

describe("broken files give clear errors", () => {
  const har = readFileSync(proxyFixturePath("websocket-504.har"), "utf8");
  it("a truncated HAR names the entry it ends in", async () => {
    expect(await errorOf(fromText("cut.har", har.slice(0, 6000)))).toMatch(/^cut\.har: the file ends inside entries\[2\] \(line 142\): it is truncated$/);
  });
  it("a HAR entry with a syntax error names the entry and line", async () => {
    const broken = har.replace('"status": 504', '"status": 504,,');
    expect(await errorOf(fromText("bad.har", broken))).toMatch(/^bad\.har: entries\[2\] \(line 142\) is not valid JSON/);
  });
  it("JSON that is not a HAR", async () => {
    expect(await errorOf(fromText("x.json", '{"value": []}'))).toBe(
      'x.json: no "log.entries" array: not a HAR (save it from the browser\'s developer tools with "Save all as HAR")',
    );
  });
  it("a truncated event log names the event", async () => {
    const xml = readFileSync(proxyFixturePath("admin-events.xml"), "utf8");
    expect(await errorOf(fromText("cut.xml", xml.slice(0, 1800)))).toBe("cut.xml: event 2 starting at line 4 never ends (no </Event>): the file is truncated");
  });
  it("a truncated CSV names the record", async () => {
    const csv = readFileSync(proxyFixturePath("admin-events.csv"), "utf8");
    expect(await errorOf(fromText("cut.csv", csv.slice(0, 300)))).toBe(
      "cut.csv: the record at line 3 has a quoted field that never closes: the file is truncated",
    );
  });
  it("a truncated SAZ", async () => {
    const saz = websocket504Saz();
    expect(await errorOf(fromText("cut.saz", saz.subarray(0, saz.length - 40)))).toMatch(/^cut\.saz: not a readable zip archive .*truncated or damaged$/);
  });
  it("a zip that is not a SAZ", async () => {
    expect(await errorOf(fromText("x.zip", writeZip([{ name: "readme.txt", data: "hello" }])))).toBe(
      "x.zip: a zip without raw/NN_c.txt sessions: not a Fiddler SAZ",
    );
  });
  it("binary data", async () => {
    const bytes = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256));
    expect(await errorOf(fromText("dump.bin", bytes))).toMatch(/^dump\.bin: binary data, not text/);
  });
  it("text that is not a trace names its line", async () => {
    expect(await errorOf(fromText("notes.txt", "Hello team,\nthe app is slow.\n"))).toMatch(
      /^notes\.txt: line 1 is not a connector trace entry \("Hello team,"\)/,
    );
  });
  it("a file over the size limit is refused before it is read", async () => {
    expect(await errorOf(readProxyFile(sourceFromBytes("big.log", Buffer.alloc(2048, 65)), 1024))).toMatch(/^big\.log: .* larger than/);
  });
  it("a UTF-16 trace (as PowerShell 5.1 writes it) reads like UTF-8", async () => {
    const text = readFileSync(proxyFixturePath("tls-name-mismatch.log"), "utf8");
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const r = await fromText("trace-utf16.log", utf16);
    expect(r.summary).toMatchObject({ kind: "connector-trace", records: 9, failures: 2 });
  });
});
