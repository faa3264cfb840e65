import { describe, expect, it } from "vitest";
import { readFixture } from "@/lib/reports/fixtures";
import { schemaIssueDetails, validateUpload } from "./validate-upload";

/** What the agent sends (a hybrid-joined machine's capture, the parser's fixture), before any extra key or mistake. */
const CAPTURE = readFixture("win10-20h2-hybrid.txt").toString("utf8");
const UPLOAD = { hostname: "PC-0142", capturedAt: "2026-11-30T08:15:00Z", agentVersion: "2.3.0", dsregcmd: CAPTURE };

function refusal(body: unknown) {
  const result = validateUpload(body);
  if (result.ok) throw new Error("accepted");
  return result.error;
}

describe("validateUpload", () => {
  it("accepts an upload as the agent sends it", () => {
    expect(validateUpload(UPLOAD)).toEqual({ ok: true, upload: UPLOAD });
  });

  it("names one unknown key, or several, in the 400's details", () => {
    expect(refusal({ ...UPLOAD, tpm: "2.0" }).details).toEqual([{ path: "", message: 'Unrecognized key: "tpm"', keys: ["tpm"], count: 1 }]);
    expect(refusal({ ...UPLOAD, tpm: "2.0", bios: "1.2" }).details).toEqual([
      { path: "", message: 'Unrecognized keys: "tpm", "bios"', keys: ["tpm", "bios"], count: 2 },
    ]);
  });

  it("lists five unknown keys at most, each cut to 64 characters, and counts the rest", () => {
    const long = "k".repeat(70);
    const keys = [long, "k".repeat(64), "b", "c", "d", "e", "f"];
    const body = { ...UPLOAD, ...Object.fromEntries(keys.map((k) => [k, 1])) };
    const listed = [`${"k".repeat(64)}…`, "k".repeat(64), "b", "c", "d"];
    expect(refusal(body).details).toEqual([
      { path: "", message: `Unrecognized keys: ${listed.map((k) => JSON.stringify(k)).join(", ")} and 2 more`, keys: listed, count: 7 },
    ]);
  });

  it("refuses a capture with too many lines, naming the field and the limit", () => {
    const error = refusal({ ...UPLOAD, dsregcmdSystem: `${CAPTURE}${"\r\n".repeat(1_600)}` });
    expect(error).toMatchObject({ code: "invalid-dsregcmd-system", details: { reason: "too-many-lines", limit: 1_500 } });
    expect(error.message).toMatch(/^dsregcmdSystem: /);
    expect(refusal({ ...UPLOAD, dsregcmd: `${CAPTURE}${"\n".repeat(1_600)}` }).code).toBe("invalid-dsregcmd");
  });
});

describe("schemaIssueDetails", () => {
  const issue = (i: number) => ({ code: "invalid_type", path: ["events", i, "id"], message: "Expected number" });

  it("lists 50 problems, then counts the others", () => {
    const fifty = schemaIssueDetails(Array.from({ length: 50 }, (_, i) => issue(i)));
    expect(fifty).toHaveLength(50);
    expect(fifty[49]).toEqual({ path: "events.49.id", message: "Expected number" });
    const more = schemaIssueDetails(Array.from({ length: 53 }, (_, i) => issue(i)));
    expect(more).toHaveLength(51);
    expect(more[50]).toEqual({ path: "", message: "and 3 more problems" });
  });
});
