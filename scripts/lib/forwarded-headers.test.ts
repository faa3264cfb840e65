import { describe, expect, it } from "vitest";
import { applyForwardedHeaderPolicy } from "./forwarded-headers.mjs";

const sent = () => ({
  host: "joinscope.contoso.com",
  origin: "http://evil.example",
  forwarded: "host=evil.example;proto=https",
  "x-forwarded-host": "evil.example, joinscope.contoso.com",
  "x-forwarded-proto": "https, http",
  "x-forwarded-for": "203.0.113.9, 10.0.0.4",
  "x-forwarded-port": "443",
});

describe("applyForwardedHeaderPolicy", () => {
  it("removes every forwarded header a client sent when no proxy is trusted", () => {
    expect(applyForwardedHeaderPolicy(sent(), false)).toEqual({ host: "joinscope.contoso.com", origin: "http://evil.example" });
  });

  it("behind a trusted proxy that appends, keeps the proxy's own (last) host and scheme, so a client's cannot come first", () => {
    const h = applyForwardedHeaderPolicy(sent(), true);
    expect(h["x-forwarded-host"]).toBe("joinscope.contoso.com");
    expect(h["x-forwarded-proto"]).toBe("http");
    expect(h["x-forwarded-for"]).toBe("203.0.113.9, 10.0.0.4");
  });
});
