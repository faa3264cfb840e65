import { describe, expect, it } from "vitest";
import type { DsregSection } from "@/lib/reports/types";
import { DISPLAY_LIMITS, limitRawTextForDisplay, limitSectionsForDisplay } from "./limit-report-display";

describe("limitSectionsForDisplay (an oversized report stored before the upload limits)", () => {
  it("leaves a real report whole", () => {
    const sections: DsregSection[] = [{ name: "Device State", fields: [{ key: "AzureAdJoined", value: "YES" }] }];
    expect(limitSectionsForDisplay(sections)).toEqual({ sections: [{ ...sections[0], hiddenFields: 0 }], hiddenSections: 0, truncated: false });
  });

  it("shows at most 600 of 100,000 fields, 150 per section, 30 sections, 2,000 characters a value, and says so", () => {
    const sections: DsregSection[] = Array.from({ length: 1_000 }, (_, s) => ({
      name: `S${s}`,
      fields: Array.from({ length: 100 }, (_, f) => ({ key: `k${f}`, value: f === 0 ? "v".repeat(1_000_000) : "v" })),
    }));
    const shown = limitSectionsForDisplay(sections);
    expect(shown.truncated).toBe(true);
    expect(shown.sections).toHaveLength(DISPLAY_LIMITS.maxSections);
    expect(shown.hiddenSections).toBe(970);
    const fields = shown.sections.reduce((n, s) => n + s.fields.length, 0);
    expect(fields).toBe(600);
    expect(shown.sections[6]!.fields).toHaveLength(0);
    expect(shown.sections[6]!.hiddenFields).toBe(100);
    expect(Math.max(...shown.sections.flatMap((s) => s.fields.map((f) => f.value.length)))).toBeLessThan(2_100);
    expect(JSON.stringify(shown).length).toBeLessThan(200_000);
  });
});

describe("limitRawTextForDisplay", () => {
  it("cuts 1 MiB of short lines at a line break under 64 KiB and counts the rest", () => {
    const text = "a : b\r\n".repeat(150_000);
    const shown = limitRawTextForDisplay(text);
    expect(shown.text.length).toBeLessThanOrEqual(64 * 1024);
    expect(shown.text.endsWith("\r\n")).toBe(true);
    expect(shown.hiddenChars).toBe(text.length - shown.text.length);
    expect(limitRawTextForDisplay("short")).toEqual({ text: "short", hiddenChars: 0 });
  });
});
