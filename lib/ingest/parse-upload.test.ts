import { describe, expect, it } from "vitest";
import { readFixture } from "@/lib/reports/fixtures";
import { parseUpload } from "./parse-upload";
import type { ReportUpload } from "./upload-schema";

/**
 * A hybrid-joined Windows 10 machine where Adele Vance is signed in (the parser's fixture), as the agent uploads it; its
 * second capture is the elevated one, run as Adele (an administrator of her machine), so it names her too.
 */
const USER_CAPTURE = readFixture("win10-20h2-hybrid.txt").toString("utf8");
const SYSTEM_CAPTURE = USER_CAPTURE;

function upload(change: Partial<ReportUpload> = {}): ReportUpload {
  return {
    hostname: "PC-0142",
    capturedAt: "2026-11-30T08:15:00Z",
    agentVersion: "2.3.0",
    dsregcmd: USER_CAPTURE,
    dsregcmdSystem: SYSTEM_CAPTURE,
    events: [
      { id: 1098, time: "2026-11-30T08:10:02Z", level: "Error", task: null, log: null, message: "Token broker error for adele.vance@contoso.com: 0xCAA2000C" },
      {
        id: 1104,
        time: "2026-11-30T08:10:05Z",
        level: "Information",
        task: null,
        log: null,
        message: "AAD Cloud AP plugin call GenericCallPluginAuth returned success",
      },
    ],
    ...change,
  };
}

const NAMES = /adele|vance/i;

describe("parseUpload", () => {
  it("parses both captures as sent when the tenant keeps user names", () => {
    const parsed = parseUpload(upload(), null);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.upload).toEqual(upload());
    expect(parsed.report.joinType).toBe("hybrid");
    expect(parsed.system).not.toBeNull();
  });

  it("redacts user names from the user's and SYSTEM's captures and every event's message, keeping every event", () => {
    expect(SYSTEM_CAPTURE).toMatch(NAMES);
    const parsed = parseUpload(upload(), "tenant-salt");
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.upload.dsregcmd).not.toMatch(NAMES);
    expect(parsed.upload.dsregcmdSystem).not.toBeNull();
    expect(parsed.upload.dsregcmdSystem).not.toMatch(NAMES);
    expect(parsed.upload.events).toHaveLength(2);
    expect(parsed.upload.events!.map((e) => e.message).join("\n")).not.toMatch(NAMES);
    expect(parsed.upload.events![1]!.message).toBe("AAD Cloud AP plugin call GenericCallPluginAuth returned success");
    expect(parsed.report.joinType).toBe("hybrid");
  });

  it("keeps a redacted upload without a SYSTEM capture or events as it came", () => {
    const parsed = parseUpload(upload({ dsregcmdSystem: null, events: null }), "tenant-salt");
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.upload.dsregcmdSystem).toBeNull();
    expect(parsed.upload.events).toBeNull();
    expect(parsed.system).toBeNull();
  });

  it("accepts a capture beyond the parser's own 512 KiB once the schema let it through (UTF-8 bytes, not characters)", () => {
    // 270,000 characters (under the schema's 524,288), 540,000 bytes in UTF-8.
    const long = `${USER_CAPTURE}\r\n  Comment : ${"ü".repeat(270_000)}\r\n`;
    const parsed = parseUpload(upload({ dsregcmd: long }), null);
    expect(parsed.ok).toBe(true);
  });

  it("names the refused field and gives the reason, with the limit only when a limit was passed", () => {
    const notDsregcmd = parseUpload(upload({ dsregcmdSystem: "Windows IP Configuration\r\n\r\n   Host Name . . . . : PC-0142\r\n" }), null);
    expect(notDsregcmd.ok).toBe(false);
    if (notDsregcmd.ok) return;
    expect(notDsregcmd.error.code).toBe("invalid-dsregcmd-system");
    expect(notDsregcmd.error.message).toMatch(/^dsregcmdSystem: /);
    expect(notDsregcmd.error.details).toStrictEqual({ reason: "not-dsregcmd" });

    const tooLong = parseUpload(upload({ dsregcmd: `${USER_CAPTURE}${"\r\n".repeat(1_600)}` }), null);
    expect(tooLong.ok).toBe(false);
    if (tooLong.ok) return;
    expect(tooLong.error.code).toBe("invalid-dsregcmd");
    expect(tooLong.error.message).toMatch(/^dsregcmd: /);
    expect(tooLong.error.details).toStrictEqual({ reason: "too-many-lines", limit: 1_500 });
  });
});
