/**
 * The bounded read (decision 028): what readProxyFile answers always passes the check a saved diagnosis is held to,
 * even for a browser session with a 20 KB cookie and a 10 KB URL (the parsers keep what the rules read), and the
 * check refuses reads beyond the bounds.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagnoseProxy } from "./diagnose-proxy";
import { proxyFixturePath } from "./fixtures";
import { sourceFromBytes, sourceFromPath } from "./input";
import { PROXY_MAX_HEADER_CHARS, PROXY_MAX_URL_CHARS, ProxyFileReadSchema, ProxyFileReadsSchema } from "./proxy-read-schema";
import { readProxyFile } from "./read-proxy-file";

const fixture = async (name: string) => readProxyFile(await sourceFromPath(proxyFixturePath(name)));

/** The WebSocket 504 session (fixtures/websocket-504.har) with a 20 KB Cookie header on the upgrade and a 10 KB query on the API call. */
function oversizedHar(): Buffer {
  const har = JSON.parse(readFileSync(proxyFixturePath("websocket-504.har"), "utf8")) as {
    log: { entries: { request: { url: string; headers: { name: string; value: string }[] }; response: { status: number } }[] };
  };
  har.log.entries[2]!.request.headers.push({ name: "Cookie", value: `AzureAppProxyAccessCookie_opsboard=${"x".repeat(20_000)}` });
  har.log.entries[3]!.response.status = 500;
  har.log.entries[3]!.request.url += `?filter=${"y".repeat(10_000)}`;
  return Buffer.from(JSON.stringify(har));
}

describe("a file's read within the bounds", () => {
  it("the fixtures' reads pass the check unchanged", async () => {
    for (const name of ["tls-name-mismatch.log", "websocket-504.har", "admin-events.xml", "admin-events.csv", "healthy.log", "healthy.har"]) {
      const read = await fixture(name);
      expect(ProxyFileReadSchema.parse(read), name).toEqual(read);
    }
  });

  it("cuts a 20 KB cookie and a 10 KB URL to their ceilings, and the upgrade still gets its finding", async () => {
    const read = await readProxyFile(sourceFromBytes("big-cookie.har", oversizedHar()));
    expect(ProxyFileReadSchema.safeParse(read).success).toBe(true);
    const upgrade = read.exchanges.find((x) => x.status === 504)!;
    expect(upgrade.requestHeaders.cookie).toHaveLength(PROXY_MAX_HEADER_CHARS);
    expect(read.exchanges.find((x) => x.status === 500)!.url).toHaveLength(PROXY_MAX_URL_CHARS);
    const { findings } = diagnoseProxy([await fixture("tls-name-mismatch.log"), read]);
    expect(findings[0]).toMatchObject({ rule: "proxy-backend-cert-name-mismatch", severity: "high" });
  });

  it("refuses what no parser answers: a longer body snippet, an unknown kind, an extra field, nine files", async () => {
    const read = await fixture("websocket-504.har");
    const x = read.exchanges[0]!;
    expect(ProxyFileReadSchema.safeParse({ ...read, exchanges: [{ ...x, bodySnippet: "z".repeat(4097) }] }).success).toBe(false);
    expect(ProxyFileReadSchema.safeParse({ ...read, exchanges: [{ ...x, findings: [] }] }).success).toBe(false);
    expect(ProxyFileReadSchema.safeParse({ ...read, summary: { ...read.summary, kind: "pcap" } }).success).toBe(false);
    expect(ProxyFileReadSchema.safeParse({ ...read, exchanges: Array.from({ length: 5001 }, () => x) }).success).toBe(false);
    expect(ProxyFileReadsSchema.safeParse(Array.from({ length: 9 }, () => read)).success).toBe(false);
    expect(ProxyFileReadsSchema.safeParse([]).success).toBe(false);
  });
});
