import { describe, expect, it } from "vitest";
import { createNonce, pageContentSecurityPolicy } from "./security-headers";

describe("pageContentSecurityPolicy", () => {
  it("allows scripts and styles only with the request's nonce in production, never eval or inline code", () => {
    const csp = pageContentSecurityPolicy("abc123==", { https: false, development: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc123==' 'strict-dynamic'");
    expect(csp).toContain("style-src 'self' 'nonce-abc123=='");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("upgrades insecure requests only over HTTPS, and allows eval only under next dev", () => {
    expect(pageContentSecurityPolicy("n", { https: true, development: false })).toContain("upgrade-insecure-requests");
    expect(pageContentSecurityPolicy("n", { https: false, development: true })).toContain("'unsafe-eval'");
  });
});

describe("createNonce", () => {
  it("is 128 random bits in base64, fresh each time", () => {
    const a = createNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(createNonce()).not.toBe(a);
  });
});
