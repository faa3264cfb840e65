import { describe, expect, it } from "vitest";
import { parseSubjectKey, reportSubjectKey, subjectKeyFor, subjectKeySql, subjectKeyValue } from "./subject-key";

const DEVICE_ID = "6f0a1e5c-2b7d-4c3a-9e8f-1a2b3c4d5e6f";
const OBJECT_ID = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

describe("subject keys", () => {
  it("prefer the registration id, then the object id, then the lower-cased host name", () => {
    expect(subjectKeyFor(DEVICE_ID, OBJECT_ID, "PC-01")).toBe(`d:${DEVICE_ID}`);
    expect(subjectKeyFor(null, OBJECT_ID, "PC-01")).toBe(`o:${OBJECT_ID}`);
    expect(subjectKeyFor(null, null, "PC-01")).toBe("h:pc-01");
    expect(reportSubjectKey(null, "WS-Reception")).toBe("h:ws-reception");
    expect(reportSubjectKey(DEVICE_ID, "WS-Reception")).toBe(`d:${DEVICE_ID}`);
  });

  it("parse what they make, lower-cased, and refuse anything else", () => {
    expect(parseSubjectKey(`d:${DEVICE_ID.toUpperCase()}`)).toEqual({ kind: "d", value: DEVICE_ID, key: `d:${DEVICE_ID}` });
    expect(parseSubjectKey("h:PC-01")).toEqual({ kind: "h", value: "pc-01", key: "h:pc-01" });
    expect(parseSubjectKey("o:not-a-guid")).toBeNull();
    expect(parseSubjectKey("x:pc-01")).toBeNull();
    expect(parseSubjectKey("h:")).toBeNull();
    expect(subjectKeyValue(subjectKeyFor(null, OBJECT_ID, null))).toBe(OBJECT_ID);
  });

  it("make an empty host key for a subject with no id and no name", () => {
    expect(subjectKeyFor(null, null, null)).toBe("h:");
  });

  it("refuse text before or after a key: a host name up to 256 characters, an id of exactly 36", () => {
    expect(parseSubjectKey(`h:${"a".repeat(256)}`)?.value).toHaveLength(256);
    expect(parseSubjectKey(`h:${"a".repeat(257)}`)).toBeNull();
    expect(parseSubjectKey("xh:pc-01")).toBeNull();
    expect(parseSubjectKey(`d:${DEVICE_ID}0`)).toBeNull();
    expect(parseSubjectKey(`d:0${DEVICE_ID}`)).toBeNull();
    expect(parseSubjectKey(`o:${OBJECT_ID}`)).toEqual({ kind: "o", value: OBJECT_ID, key: `o:${OBJECT_ID}` });
  });

  it("are made in SQL from a column the same way", () => {
    expect(subjectKeySql("h", "lower(r.hostname)")).toBe("'h:' || lower(r.hostname)");
  });
});
