/**
 * Upload bodies built to cost the server as much as one upload can (issue 14, items 1 and 2), shared by
 * bench/hostile-upload.ts (how long one of them holds the event loop) and bench:agents' hostile case.
 * Each starts from a real capture (lib/reports/fixtures), so only the added junk differs from an ordinary report.
 */
import { decodeReportText } from "@/lib/reports/decode-report-text";
import { readFixture } from "@/lib/reports/fixtures";

export interface HostileBody {
  name: string;
  /** What the server does with it once fixed: stored (redacted on a redacting tenant), or refused with 400 always or
   * only on a tenant that redacts user names (the limit on names is a limit on redaction's work). */
  expect: "accepted" | "refused" | "refused-when-redacting";
  body: Record<string, unknown>;
}

function baseReport(): string {
  const decoded = decodeReportText(readFixture("win11-24h2-hybrid-full.txt"));
  if (!decoded.ok) throw new Error("fixture");
  return decoded.text.replace(/\n/g, "\r\n");
}

/** `n` UPN-shaped strings, `perLine` to a line, `distinct` different names cycled. */
function upnLines(n: number, perLine: number, distinct: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i += perLine) {
    const words: string[] = [];
    for (let j = i; j < Math.min(n, i + perLine); j++) words.push(`u${(j % distinct).toString(36)}@c.io`);
    lines.push(`Server Message : ${words.join(" ")}`);
  }
  return lines.join("\r\n");
}

export function hostileBodies(suffix = ""): HostileBody[] {
  const report = baseReport();
  const upload = (name: string, dsregcmd: string, extra: Record<string, unknown> = {}) => ({
    hostname: `HOSTILE-${name}${suffix}`.slice(0, 60),
    capturedAt: new Date().toISOString(),
    agentVersion: "1.0.0",
    dsregcmd,
    ...extra,
  });
  return [
    // The 405 KB body: 40,000 user-name-looking strings (what it cost before redaction was bounded:
    // bench/RESULTS.md, seventh round).
    { name: "upns", expect: "refused-when-redacting", body: upload("upns", `${report}\r\n${upnLines(40_000, 100, 40_000)}\r\n`) },
    // The worst a redacting tenant still stores: 20,000 UPN strings of 990 distinct names (with the report's own
    // user, just under the 1,000 a report may name).
    { name: "upns-990", expect: "accepted", body: upload("upns-990", `${report}\r\n${upnLines(20_000, 100, 990)}\r\n`) },
    // 8,000 `Executing Account Name` lines, each a different account.
    {
      name: "accounts",
      expect: "refused",
      body: upload(
        "accounts",
        `${report}\r\n${Array.from({ length: 8_000 }, (_, i) => `Executing Account Name : CONTOSO\\u${i}, u${i}@contoso.com`).join("\r\n")}\r\n`,
      ),
    },
    // 250,000 blank CRLF lines: `^\s*` with the m flag would walk every one of them from every line start.
    { name: "blank-lines", expect: "refused", body: upload("blank-lines", `${report}${"\r\n".repeat(250_000)}`) },
    // Issue 14, item 2: ~100,000 short lines in the two captures, which the line limit refuses.
    {
      name: "many-lines",
      expect: "refused",
      body: upload("many-lines", `${report}${"a : b\r\n".repeat(50_000)}`, { dsregcmdSystem: `${report}${"a : b\r\n".repeat(50_000)}` }),
    },
  ];
}
