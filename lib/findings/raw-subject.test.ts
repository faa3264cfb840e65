import { describe, expect, it } from "vitest";
import { parseRawSubject, type RawSubject } from "./raw-subject";

const raw = (report: unknown) =>
  ({ key: "h:pc-1", deviceId: null, objectId: null, hostname: "PC-1", subject: { report, objects: [] } }) as unknown as RawSubject;

describe("parseRawSubject", () => {
  it("refuses, naming the broken row, a latest report that holds neither its text nor its parsed JSON", () => {
    expect(() => parseRawSubject(raw({ parsed: { json: null, text: null }, systemParsed: null }))).toThrow(
      "a latest report holds neither its text nor its parsed JSON",
    );
  });

  it("hands a subject without a report on as it is", () => {
    const subject = raw(null);
    expect(parseRawSubject(subject)).toBe(subject);
  });
});
