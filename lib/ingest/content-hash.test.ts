import { describe, expect, it } from "vitest";
import { hashReportContent } from "./content-hash";
import type { ReportUpload } from "./upload-schema";

/** An agent's upload as the Windows agent sends it (PowerShell's CRLF line ends, an event of the AAD Operational log). */
const UPLOAD: ReportUpload = {
  hostname: "PC-0142",
  capturedAt: "2026-11-30T08:15:00Z",
  agentVersion: "2.3.0",
  dsregcmd:
    "+----------------------------------------------------------------------+\r\n| Device State                                                         |\r\n+----------------------------------------------------------------------+\r\n\r\n             AzureAdJoined : YES\r\n          EnterpriseJoined : NO\r\n              DomainJoined : YES\r\n",
  dsregcmdSystem: "             AzureAdPrt : NO\r\n",
  events: [
    {
      id: 1098,
      time: "2026-11-30T08:10:02Z",
      level: "Error",
      task: "AadTokenBrokerPlugin Operation",
      log: "Microsoft-Windows-AAD/Operational",
      message: "Error: 0xCAA2000C The request requires user interaction.",
    },
  ],
  computerDn: "CN=PC-0142,OU=Workstations,DC=contoso,DC=com",
  objectGuid: "{6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b}",
  osBuild: "10.0.22631.4460",
};

const hash = (change: Partial<ReportUpload>) => hashReportContent({ ...UPLOAD, ...change });
const withEvent = (change: Partial<NonNullable<ReportUpload["events"]>[number]>) => hash({ events: [{ ...UPLOAD.events![0]!, ...change }] });

describe("hashReportContent", () => {
  it("is the hash stored uploads carry: an upload retried after an upgrade must still be recognised", () => {
    // DeviceReport.contentHash keeps this value; a different one would store the retried upload a second time.
    expect(hashReportContent(UPLOAD)).toBe("e1d0b249bb4c303584d643b07bf4977a7f6f08442b52dd153ad46ef88020a797");
  });

  it("ignores what a retry or a second paste may change: line ends (CRLF, CR, LF), trailing blank lines, the host name's case, the GUID's braces and case", () => {
    const lf = (s: string) => s.replace(/\r\n/g, "\n");
    const cr = (s: string) => s.replace(/\r\n/g, "\r");
    const same = hashReportContent(UPLOAD);
    expect(hash({ dsregcmd: lf(UPLOAD.dsregcmd) })).toBe(same);
    expect(hash({ dsregcmd: cr(UPLOAD.dsregcmd), dsregcmdSystem: cr(UPLOAD.dsregcmdSystem!) })).toBe(same);
    expect(hash({ dsregcmd: `${UPLOAD.dsregcmd}\r\n\r\n  ` })).toBe(same);
    expect(hash({ hostname: "pc-0142" })).toBe(same);
    expect(hash({ objectGuid: "6F1C2A3B-4D5E-4F60-8A7B-9C0D1E2F3A4B" })).toBe(same);
    expect(hash({ capturedAt: "2026-11-30T09:15:00+01:00" })).toBe(same);
    // An agent that could not run the elevated capture sends an empty one or none: the same upload.
    expect(hash({ dsregcmdSystem: "" })).toBe(hash({ dsregcmdSystem: null }));
  });

  it("tells apart uploads that say something else, field by field", () => {
    const same = hashReportContent(UPLOAD);
    const others = [
      hash({ hostname: "PC-0143" }),
      hash({ capturedAt: "2026-11-30T08:15:01Z" }),
      hash({ dsregcmd: `  ${UPLOAD.dsregcmd}` }),
      hash({ dsregcmd: UPLOAD.dsregcmd.replace("AzureAdJoined : YES", "AzureAdJoined : NO") }),
      hash({ dsregcmdSystem: null }),
      hash({ events: [] }),
      withEvent({ id: 1097 }),
      withEvent({ time: "2026-11-30T08:10:03Z" }),
      withEvent({ level: "Warning" }),
      withEvent({ task: null }),
      withEvent({ log: "Microsoft-Windows-User Device Registration/Admin" }),
      withEvent({ message: "Error: 0xCAA20003 Authorization grant failed for this assertion." }),
      hash({ computerDn: "CN=PC-0142,OU=Kiosks,DC=contoso,DC=com" }),
      hash({ computerDn: null }),
      hash({ objectGuid: "{6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4c}" }),
      hash({ objectGuid: null }),
      hash({ osBuild: "10.0.22631.4461" }),
      hash({ osBuild: null }),
    ];
    expect(others).not.toContain(same);
    expect(new Set(others).size).toBe(others.length);
  });
});
