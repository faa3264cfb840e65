import { describe, expect, it } from "vitest";
import { readFixture } from "@/lib/reports/fixtures";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { Finding } from "@/lib/rules/types";
import { agentEventId, hashReportState, type AgentEventUpload } from "./report-state";
import type { ReportUpload } from "./upload-schema";

function parse(fixture: string): ParsedDsregcmd {
  const parsed = parseDsregcmd(readFixture(fixture).toString("utf8"));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.report;
}

/** A hybrid-joined machine's upload (the parser's fixtures for its user and SYSTEM captures) and one event it sent. */
const REPORT = parse("win10-20h2-hybrid.txt");
const SYSTEM = parse("win10-22h2-hybrid-system.txt");
const EVENT: AgentEventUpload = {
  id: 1098,
  time: "2026-11-30T08:10:02Z",
  level: "Error",
  task: "AadTokenBrokerPlugin Operation",
  log: "Microsoft-Windows-AAD/Operational",
  message: "Error: 0xCAA2000C The request requires user interaction.",
};
const UPLOAD: ReportUpload = {
  hostname: "PC-0142",
  capturedAt: "2026-11-30T08:15:00Z",
  agentVersion: "2.3.0",
  dsregcmd: "(the text is not part of the state: its parsed fields are)",
  dsregcmdSystem: null,
  events: [EVENT],
  computerDn: "CN=PC-0142,OU=Workstations,DC=contoso,DC=com",
  objectGuid: "{6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b}",
  osBuild: "10.0.19042.1466",
};
const finding = (rule: string, severity: Finding["severity"]): Finding => ({ rule, severity, title: rule, explanation: "", evidence: [], remediation: [] });
const FINDINGS = [finding("prt-missing", "high"), finding("cert-near-expiry", "low")];

const state = (change: Partial<Parameters<typeof hashReportState>[0]> = {}) =>
  hashReportState({ upload: UPLOAD, report: REPORT, system: SYSTEM, findings: FINDINGS, source: "agent", user: "adele.vance@contoso.com", ...change });
const withUpload = (change: Partial<ReportUpload>) => state({ upload: { ...UPLOAD, ...change } });
const withEvent = (change: Partial<AgentEventUpload>) => withUpload({ events: [{ ...EVENT, ...change }] });

describe("hashReportState", () => {
  it("is the state hash stored reports carry: after an upgrade an unchanged device must still count as unchanged", () => {
    // DeviceReport.stateHash keeps this value (decision 013); a different one would store every device's next upload anew.
    expect(state()).toBe("c04109a8f55eb1a1210fe2539b74d2bb84e8ba0be500918d2341db5452947bdd");
  });

  it("ignores what changes on every upload of a healthy machine, the GUID's braces and case, and the findings' order", () => {
    const same = state();
    expect(withUpload({ capturedAt: "2026-11-30T09:15:00Z", dsregcmd: "another text with the same fields" })).toBe(same);
    expect(withUpload({ objectGuid: "6F1C2A3B-4D5E-4F60-8A7B-9C0D1E2F3A4B" })).toBe(same);
    expect(state({ findings: [...FINDINGS].reverse() })).toBe(same);
  });

  it("tells apart reports that say something else, field by field", () => {
    const same = state();
    const others = [
      withUpload({ hostname: "PC-0143" }),
      withUpload({ agentVersion: "2.4.0" }),
      state({ source: "paste" }),
      state({ user: null }),
      withUpload({ computerDn: "CN=PC-0142,OU=Kiosks,DC=contoso,DC=com" }),
      withUpload({ computerDn: null }),
      withUpload({ objectGuid: "{6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4c}" }),
      withUpload({ objectGuid: null }),
      withUpload({ osBuild: "10.0.19042.1467" }),
      withUpload({ osBuild: null }),
      state({ report: parse("win11-23h2-hybrid.txt") }),
      state({ system: null }),
      state({ findings: [FINDINGS[0]!] }),
      state({ findings: [finding("prt-missing", "medium"), FINDINGS[1]!] }),
      state({ findings: [finding("prt-expired", "high"), FINDINGS[1]!] }),
      withUpload({ events: [] }),
      withEvent({ id: 1097 }),
      withEvent({ task: null }),
      withEvent({ log: null }),
      withEvent({ message: "Error: 0xCAA20003 Authorization grant failed for this assertion." }),
    ];
    expect(others).not.toContain(same);
    expect(new Set(others).size).toBe(others.length);
  });
});

describe("agentEventId", () => {
  it("is the stored row id of an event: the same for the same event of the same device, whichever upload carried it", () => {
    const id = agentEventId("tenant-1", "device-1", EVENT);
    expect(id).toBe("2f187218-5363-a852-77dd-904ecd69f2cc");
    expect(agentEventId("tenant-1", "device-1", { ...EVENT, time: "2026-11-30T09:10:02+01:00" })).toBe(id);
    expect(agentEventId("tenant-1", "device-2", EVENT)).not.toBe(id);
    expect(agentEventId("tenant-2", "device-1", EVENT)).not.toBe(id);
    expect(agentEventId("tenant-1", "device-1", { ...EVENT, task: null })).not.toBe(id);
    expect(agentEventId("tenant-1", "device-1", { ...EVENT, log: null })).not.toBe(id);
  });
});
