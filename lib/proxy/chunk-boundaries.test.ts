/**
 * The text parsers read a file a chunk at a time (64 KB of bytes each), so a chunk may end anywhere: in a key, in a
 * body, in a CRLF, between an escaping backslash and the quote it escapes. Every way of cutting a file in two must
 * read as the whole text does. Before, a HAR chunk that ended with the backslash of `\"` made the next chunk's quote
 * close the string, and the brackets in the rest of the body then failed the file ("closes nothing it opened"); a
 * CSV chunk that ended between the two quotes of `""` closed the quoted field there. With 64 KB chunks either is a
 * few times per 100 MB file of JSON bodies or quoted descriptions.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { proxyFixturePath } from "./fixtures";
import { parseConnectorTrace } from "./parse-connector-trace";
import { parseEventLogCsv, parseEventLogXml } from "./parse-event-log";
import { parseHar } from "./parse-har";
import type { ProxyFileRead } from "./types";

const entry = (n: number, status: number, text: string) =>
  JSON.stringify({
    startedDateTime: `2026-11-03T09:14:2${n}.000Z`,
    time: 85000,
    request: { method: "GET", url: `https://opsboard-contoso.msappproxy.net/api/${n}`, headers: [{ name: "Upgrade", value: "websocket" }] },
    response: { status, statusText: "Gateway Timeout", headers: [], content: { mimeType: "text/html", text } },
  });

// Bodies with escaped quotes, escaped backslashes before a closing quote, and brackets after both.
const HAR = `{"log":{"version":"1.2","entries":[\n${[
  entry(1, 504, 'a "quoted" ] } word'),
  entry(2, 200, 'ends in a backslash \\" then [ { and "more"'),
  entry(3, 502, '\\\\"\\\\\\" ]]]}}} [[{{ {"id":1,"cards":["x"]}'),
].join(",\n")}\n]}}\n`;

async function* pieces(...parts: string[]): AsyncGenerator<string> {
  yield* parts;
}

type Parse = (name: string, bytes: number, text: AsyncIterable<string>) => Promise<ProxyFileRead>;

/** The read of the text, or the error it gives, as JSON. */
async function readAs(parse: Parse, ...parts: string[]): Promise<string> {
  return parse("cut", parts.join("").length, pieces(...parts)).then(
    (r) => JSON.stringify(r),
    (e: unknown) => String(e),
  );
}

const fixture = (name: string) => readFileSync(proxyFixturePath(name), "utf8");

describe("every parser reads a fixture the same wherever it is cut in two", () => {
  it.each([
    ["tls-name-mismatch.log", fixture("tls-name-mismatch.log"), parseConnectorTrace],
    ["tls-name-mismatch.log with CRLF", fixture("tls-name-mismatch.log").replace(/\n/g, "\r\n"), parseConnectorTrace],
    ["admin-events.xml", fixture("admin-events.xml"), parseEventLogXml],
    // The Kerberos event's description with a quoted phrase: Event Viewer writes its quotes doubled.
    ["admin-events.csv", fixture("admin-events.csv").replace("Kerberos authentication", 'Kerberos ""Negotiate, then NTLM"" authentication'), parseEventLogCsv],
    ["websocket-504.har", fixture("websocket-504.har"), parseHar],
  ] as [string, string, Parse][])("%s", async (_, text, parse) => {
    const whole = await readAs(parse, text);
    expect(whole).toMatch(/^\{"summary"/);
    for (let at = 1; at < text.length; at++) {
      const read = await readAs(parse, text.slice(0, at), text.slice(at));
      if (read !== whole) expect({ at, read }).toEqual({ at, read: whole });
    }
  });
});

describe("parseHar", () => {
  it("reads the same wherever the text is cut between two chunks", async () => {
    const whole = await parseHar("cut.har", HAR.length, pieces(HAR));
    expect(whole.summary).toMatchObject({ records: 3, failures: 2 });
    expect(whole.exchanges.map((x) => x.bodySnippet)).toEqual(['a "quoted" ] } word', '\\\\"\\\\\\" ]]]}}} [[{{ {"id":1,"cards":["x"]}']);
    for (let at = 1; at < HAR.length; at++) {
      const read = await parseHar("cut.har", HAR.length, pieces(HAR.slice(0, at), HAR.slice(at)));
      if (JSON.stringify(read) !== JSON.stringify(whole)) expect({ at, read }).toEqual({ at, read: whole });
    }
  });

  it("a run of backslashes cut over several chunks counts as one run", async () => {
    // Entry 3's body in the file: five backslashes and a quote, then seven and a quote (escaped backslashes, then \").
    const run = HAR.indexOf(`${"\\".repeat(7)}"`);
    expect(run).toBeGreaterThan(0);
    const whole = await parseHar("cut.har", HAR.length, pieces(HAR));
    const cuts = [0, run + 1, run + 3, run + 4, run + 7, HAR.length];
    const split = cuts.slice(1).map((end, k) => HAR.slice(cuts[k], end));
    expect(JSON.stringify(await parseHar("cut.har", HAR.length, pieces(...split)))).toBe(JSON.stringify(whole));
  });
});

describe("parseHar with a body of megabytes", () => {
  // A 504 whose 1.3 MB error page is full of escapes (JSON writes \", \\, \n and \u0001), and a base64 body of 600 KB.
  const page = `<html><body><p class="e">Café "timeout" \\ path\\to\\file \u0001</p>\n`.repeat(20_000);
  const har = `{"log":{"version":"1.2","entries":[\n${[
    entry(1, 504, page),
    JSON.stringify({
      startedDateTime: "2026-11-03T09:14:29.000Z",
      request: { method: "GET", url: "https://opsboard-contoso.msappproxy.net/logo.png", headers: [] },
      response: {
        status: 500,
        statusText: "Error",
        headers: [],
        content: { mimeType: "image/png", encoding: "base64", text: Buffer.alloc(450_000, 7).toString("base64") },
      },
    }),
  ].join(",\n")}\n]}}\n`;

  it("reads as the whole text does when its strings are cut at chunk ends, escapes kept whole", async () => {
    const whole = await readAs(parseHar, har);
    expect(JSON.parse(whole)).toMatchObject({ summary: { records: 2, failures: 2 } });
    for (const size of [65_536, 65_537, 65_538, 65_539, 65_540, 65_541, 9_001, 100_003]) {
      const parts: string[] = [];
      for (let at = 0; at < har.length; at += size) parts.push(har.slice(at, at + size));
      const read = await readAs(parseHar, ...parts);
      if (read !== whole) expect({ size, read }).toEqual({ size, read: whole });
    }
  });
});
