import { describe, expect, it } from "vitest";
import { formatBytes, formatShare } from "./format-bytes";

describe("formatBytes", () => {
  it("uses 1,024-based units with three significant figures", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1023)).toBe("1023 bytes");
    expect(formatBytes(1024)).toBe("1.00 KB");
    expect(formatBytes(33_587)).toBe("32.8 KB");
    expect(formatBytes(812 * 1024)).toBe("812 KB");
    expect(formatBytes(3.36 * 1024 ** 3)).toBe("3.36 GB");
  });
});

describe("formatShare", () => {
  it("gives one decimal, and says when a non-zero share rounds to nothing", () => {
    expect(formatShare(0)).toBe("0.0%");
    expect(formatShare(0.0004)).toBe("< 0.1%");
    expect(formatShare(0.4567)).toBe("45.7%");
    expect(formatShare(1)).toBe("100.0%");
  });
});
