import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-next-path";

const ORIGIN = "https://joinscope.contoso.com";

/**
 * Where a browser goes when the server answers `Location: <value>` on a page of ORIGIN: the WHATWG URL parser
 * strips tabs and newlines and reads backslashes as slashes, which is how `/\t/evil` becomes `//evil`.
 */
function browserDestination(location: string): string {
  return new URL(location, `${ORIGIN}/login`).origin;
}

describe("safeNextPath", () => {
  // Each value as the login page receives it (already percent-decoded from ?next=) or as a form could post it.
  const hostile: [string, string][] = [
    ["protocol-relative", "//evil.example/phish"],
    ["backslash after the slash", "/\\evil.example/phish"],
    ["a backslash anywhere", "/reports\\..\\..\\/evil"],
    ["tab between the slashes, decoded (issue 14)", "/\t/evil.example/phish"],
    ["tab between the slashes, still encoded (issue 14)", "/%09/evil.example/phish"],
    ["newline between the slashes", "/\n/evil.example"],
    ["carriage return + newline (header injection, was a 500)", "/reports\r\nSet-Cookie: a=b"],
    ["a lone newline", "\n"],
    ["NUL", "/reports\u0000"],
    ["DEL", "/\u007f/evil.example"],
    ["absolute URL", "https://evil.example/phish"],
    ["scheme-relative with scheme only", "https:evil.example"],
    ["javascript: URL", "javascript:alert(document.cookie)"],
    ["data: URL", "data:text/html,<script>alert(1)</script>"],
    ["encoded slashes", "/%2F%2Fevil.example"],
    ["encoded backslash", "/%5Cevil.example"],
    ["encoded slash and backslash", "/%2F%5Cevil.example"],
    ["dot segment that normalises to //", "/.//evil.example"],
    ["parent segment that normalises to //", "/reports/..//evil.example"],
    ["leading space", " //evil.example"],
    ["leading backslashes", "\\\\evil.example"],
    ["relative path", "evil.example"],
    ["malformed percent-encoding", "/%E0%A4%A"],
    ["very long", `/${"a".repeat(5000)}`],
    ["empty", ""],
  ];

  it.each(hostile)("sends %s to /", (_label, next) => {
    expect(safeNextPath(next)).toBe("/");
  });

  it("sends a missing value to /", () => {
    expect(safeNextPath(null)).toBe("/");
    expect(safeNextPath(undefined)).toBe("/");
  });

  it.each([
    ["/reports", "/reports"],
    ["/devices?q=PC-01&page=2", "/devices?q=PC-01&page=2"],
    ["/devices/6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e01#timeline", "/devices/6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e01#timeline"],
    ["/findings?q=a%2Fb", "/findings?q=a%2Fb"],
    ["/reports/../settings", "/settings"],
  ])("keeps the same-origin path %s (as %s)", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it("refuses a value whose percent-decoded form holds a control character (a proxy that decodes it once)", () => {
    expect(safeNextPath("/reports%0d%0aSet-Cookie:%20a=b")).toBe("/");
    expect(safeNextPath("/reports%5c..")).toBe("/");
  });

  it("keeps a path of up to 2,048 characters and refuses a longer one", () => {
    const longest = `/${"a".repeat(2047)}`;
    expect(safeNextPath(longest)).toBe(longest);
    expect(safeNextPath(`${longest}a`)).toBe("/");
  });

  it("refuses a protocol-relative value even when it names the dashboard's own probe host", () => {
    // `//host/path` is another origin in the browser whatever the host; the check must not depend on the host.
    expect(safeNextPath("//joinscope.invalid/reports")).toBe("/");
    expect(safeNextPath("/%2F/joinscope.invalid/reports")).toBe("/");
  });

  it("never returns a value a browser would resolve to another origin", () => {
    for (const [, next] of hostile) expect(browserDestination(safeNextPath(next))).toBe(ORIGIN);
  });
});
