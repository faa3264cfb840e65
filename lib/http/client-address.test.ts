import { describe, expect, it } from "vitest";
import { clientAddress, clientAddressFromHeaders, CLIENT_ADDRESS_HEADER } from "./client-address";

describe("clientAddress", () => {
  it("ignores X-Forwarded-For unless a proxy is trusted", () => {
    expect(clientAddress({ remoteAddress: "203.0.113.7", forwardedFor: "198.51.100.1" }, false)).toBe("203.0.113.7");
  });
  it("takes the last X-Forwarded-For entry (the one the trusted proxy added)", () => {
    expect(clientAddress({ remoteAddress: "10.0.0.2", forwardedFor: "1.2.3.4, 198.51.100.9" }, true)).toBe("198.51.100.9");
  });
  it("folds IPv4-mapped IPv6 into IPv4", () => {
    expect(clientAddress({ remoteAddress: "::ffff:127.0.0.1", forwardedFor: null }, false)).toBe("127.0.0.1");
  });
  it("puts requests with no known address in one bucket", () => {
    expect(clientAddress({ remoteAddress: null, forwardedFor: "1.2.3.4" }, false)).toBe("unknown");
  });
  it("reads the address serve.mjs recorded", () => {
    const headers = new Headers({ [CLIENT_ADDRESS_HEADER]: "192.0.2.44", "x-forwarded-for": "6.6.6.6" });
    expect(clientAddressFromHeaders(headers, false)).toBe("192.0.2.44");
  });
});
