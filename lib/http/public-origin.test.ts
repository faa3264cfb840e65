import { describe, expect, it } from "vitest";
import { cookieSecureFlag, publicOrigin, servedOverHttps, transportSecurityHeaders, type OriginConfig } from "./public-origin";

const plain: OriginConfig = { JOINSCOPE_PUBLIC_URL: undefined, JOINSCOPE_TRUST_PROXY: false, JOINSCOPE_SECURE_COOKIES: undefined };
const behindProxy: OriginConfig = { ...plain, JOINSCOPE_TRUST_PROXY: true };
const publicHttps: OriginConfig = { ...plain, JOINSCOPE_PUBLIC_URL: "https://joinscope.contoso.com/" };

/** What a client sends to a plain-HTTP server when it pretends to have come through an HTTPS proxy. */
const spoofed = new Headers({ host: "127.0.0.1:3000", "x-forwarded-proto": "https", "x-forwarded-host": "evil.example" });

describe("servedOverHttps / cookieSecureFlag", () => {
  it("ignores a client's X-Forwarded-Proto unless a proxy is trusted", () => {
    expect(servedOverHttps(spoofed, plain)).toBe(false);
    expect(cookieSecureFlag(spoofed, plain)).toBe(false);
    expect(transportSecurityHeaders(spoofed, plain)).toEqual({});
  });

  it("follows a trusted proxy's X-Forwarded-Proto (its own, last entry)", () => {
    expect(servedOverHttps(new Headers({ "x-forwarded-proto": "https" }), behindProxy)).toBe(true);
    expect(servedOverHttps(new Headers({ "x-forwarded-proto": "https, http" }), behindProxy)).toBe(false);
    expect(servedOverHttps(new Headers(), behindProxy)).toBe(false);
    expect(transportSecurityHeaders(new Headers({ "x-forwarded-proto": "https" }), behindProxy)).toEqual({
      "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    });
  });

  it("takes the public URL's scheme over any header", () => {
    expect(servedOverHttps(new Headers({ "x-forwarded-proto": "http" }), { ...publicHttps, JOINSCOPE_TRUST_PROXY: true })).toBe(true);
    expect(servedOverHttps(spoofed, { ...plain, JOINSCOPE_PUBLIC_URL: "http://joinscope.lab:3000" })).toBe(false);
    expect(cookieSecureFlag(new Headers(), publicHttps)).toBe(true);
  });

  it("lets JOINSCOPE_SECURE_COOKIES override the cookie flag either way, but not HSTS", () => {
    expect(cookieSecureFlag(new Headers(), { ...plain, JOINSCOPE_SECURE_COOKIES: true })).toBe(true);
    expect(cookieSecureFlag(new Headers(), { ...publicHttps, JOINSCOPE_SECURE_COOKIES: false })).toBe(false);
    expect(transportSecurityHeaders(new Headers(), { ...plain, JOINSCOPE_SECURE_COOKIES: true })).toEqual({});
  });
});

describe("publicOrigin", () => {
  it("uses JOINSCOPE_PUBLIC_URL when set", () => {
    expect(publicOrigin(spoofed, publicHttps)).toBe("https://joinscope.contoso.com");
  });

  it("uses the Host header over plain HTTP, not a client's forwarded host or scheme", () => {
    expect(publicOrigin(spoofed, plain)).toBe("http://127.0.0.1:3000");
  });

  it("uses a trusted proxy's forwarded host and scheme", () => {
    expect(publicOrigin(new Headers({ host: "10.0.0.5:3000", "x-forwarded-host": "JoinScope.contoso.com", "x-forwarded-proto": "https" }), behindProxy)).toBe(
      "https://joinscope.contoso.com",
    );
  });
});
