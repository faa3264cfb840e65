import { describe, expect, it } from "vitest";
import { demoOptions } from "./demo-options.mjs";

describe("npm run demo's binding", () => {
  it("listens on 127.0.0.1 only by default, and says so", () => {
    const o = demoOptions([], {});
    expect(o.serveArgs).toEqual(["-p", "3000", "-H", "127.0.0.1"]);
    expect(o.baseUrl).toBe("http://127.0.0.1:3000");
    expect(o.listening).toContain("listening on 127.0.0.1 only");
  });

  it("listens elsewhere only when told (--host, or JOINSCOPE_DEMO_HOST), and warns about every interface", () => {
    const o = demoOptions(["--host", "0.0.0.0", "--port", "3301"], {});
    expect(o.serveArgs).toEqual(["-p", "3301", "-H", "0.0.0.0"]);
    expect(o.baseUrl).toBe("http://127.0.0.1:3301");
    expect(o.listening).toContain("every interface");
    expect(demoOptions([], { JOINSCOPE_DEMO_HOST: "::1", PORT: "3302" })).toMatchObject({
      serveArgs: ["-p", "3302", "-H", "::1"],
      baseUrl: "http://[::1]:3302",
    });
  });

  it("refuses an unknown option instead of ignoring it", () => {
    expect(() => demoOptions(["--hots", "0.0.0.0"], {})).toThrow();
  });
});
