import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  extraThumbprintsFromAlternativeSecurityIds,
  hardwareIdFromPhysicalIds,
  hasX509AlternativeSecurityId,
  thumbprintFromAlternativeSecurityIds,
  thumbprintFromKey,
} from "./alternative-security-ids";

/** A key as Entra ID stores it (MS-DVRE): base64 of UTF-16LE `X509:<SHA1-TP-PUBKEY>` + 40 hex + base64 SHA-256 of the public key. */
const PUBLIC_KEY_HASH = createHash("sha256").update("public key").digest("base64");
const key = (text: string) => Buffer.from(text, "utf16le").toString("base64");
const x509 = (hex: string) => key(`X509:<SHA1-TP-PUBKEY>${hex}${PUBLIC_KEY_HASH}`);

const TP1 = "65a221b61cee4765a1f4370af2bad581f25a96e9";
const TP2 = "0123456789ABCDEF0123456789ABCDEF01234567";

describe("thumbprintFromKey", () => {
  it("reads the 40 hex digits after the marker, upper-cased", () => {
    expect(thumbprintFromKey(x509(TP1))).toBe(TP1.toUpperCase());
    expect(thumbprintFromKey(x509(TP2))).toBe(TP2);
    // The thumbprint alone, with nothing after it, is enough.
    expect(thumbprintFromKey(key(`X509:<SHA1-TP-PUBKEY>${TP2}`))).toBe(TP2);
  });

  it("is null for a key of another kind, a marker in other case, or a thumbprint that is not 40 hex digits", () => {
    expect(thumbprintFromKey(key(`RSA:<SHA1-TP-PUBKEY>${TP2}${PUBLIC_KEY_HASH}`))).toBeNull();
    expect(thumbprintFromKey(key(`x509:<sha1-tp-pubkey>${TP2}${PUBLIC_KEY_HASH}`))).toBeNull();
    expect(thumbprintFromKey(x509(`${TP2.slice(0, 39)}G`))).toBeNull();
    expect(thumbprintFromKey(key(`X509:<SHA1-TP-PUBKEY>${TP2.slice(0, 39)}`))).toBeNull();
    expect(thumbprintFromKey(key(`X509:<SHA1-TP-PUBKEY> ${TP2}`))).toBeNull();
    expect(thumbprintFromKey("")).toBeNull();
  });
});

describe("thumbprintFromAlternativeSecurityIds", () => {
  it("takes the first type-2 entry whose key holds a thumbprint", () => {
    expect(
      thumbprintFromAlternativeSecurityIds([
        { type: 1, key: x509(TP1) },
        { type: 2, key: null },
        { type: 2, key: "" },
        { type: 2, key: key("RSA:something else") },
        { type: 2, identityProvider: null, key: x509(TP2) },
        { type: 2, key: x509(TP1) },
      ]),
    ).toBe(TP2);
  });

  it("is null for no entries, or none of type 2 with a thumbprint", () => {
    expect(thumbprintFromAlternativeSecurityIds(null)).toBeNull();
    expect(thumbprintFromAlternativeSecurityIds(undefined)).toBeNull();
    expect(thumbprintFromAlternativeSecurityIds([])).toBeNull();
    expect(thumbprintFromAlternativeSecurityIds([{ type: 1, key: x509(TP1) }, { type: 2 }])).toBeNull();
  });
});

describe("extraThumbprintsFromAlternativeSecurityIds", () => {
  it("lists every thumbprint, in order, when an object holds more than one", () => {
    expect(
      extraThumbprintsFromAlternativeSecurityIds([
        { type: 2, key: x509(TP1) },
        { type: 1, key: x509(TP1) },
        { type: 2, key: x509(TP2) },
      ]),
    ).toEqual([TP1.toUpperCase(), TP2]);
  });

  it("is null for none or one thumbprint, however many other entries there are", () => {
    expect(extraThumbprintsFromAlternativeSecurityIds(null)).toBeNull();
    expect(extraThumbprintsFromAlternativeSecurityIds([])).toBeNull();
    expect(extraThumbprintsFromAlternativeSecurityIds([{ type: 2, key: x509(TP1) }])).toBeNull();
    expect(
      extraThumbprintsFromAlternativeSecurityIds([
        { type: 2, key: x509(TP1) },
        { type: 1, key: x509(TP2) },
        { type: 2, key: "" },
      ]),
    ).toBeNull();
    expect(
      extraThumbprintsFromAlternativeSecurityIds([
        { type: 2, key: x509(TP1) },
        { type: 2, key: key("RSA:not a certificate") },
      ]),
    ).toBeNull();
  });
});

describe("hasX509AlternativeSecurityId", () => {
  it("is true for a type-2 entry whose key starts with X509:, whatever follows", () => {
    expect(
      hasX509AlternativeSecurityId([
        { type: 1, key: key("RSA:x") },
        { type: 2, key: key("X509:anything") },
      ]),
    ).toBe(true);
    expect(hasX509AlternativeSecurityId([{ type: 2, key: x509(TP1) }])).toBe(true);
  });

  it("is false for other types, other keys, a missing key and no entries", () => {
    expect(hasX509AlternativeSecurityId([{ type: 1, key: x509(TP1) }])).toBe(false);
    expect(
      hasX509AlternativeSecurityId([
        { type: 2, key: key("RSA:x") },
        { type: 2, key: key("X509") },
      ]),
    ).toBe(false);
    expect(hasX509AlternativeSecurityId([{ type: 2 }, { type: 2, key: null }, { type: 2, key: "" }])).toBe(false);
    expect(hasX509AlternativeSecurityId([])).toBe(false);
    expect(hasX509AlternativeSecurityId(null)).toBe(false);
    expect(hasX509AlternativeSecurityId(undefined)).toBe(false);
  });
});

describe("hardwareIdFromPhysicalIds", () => {
  it("reads the first [HWID]:h: entry, in any case", () => {
    expect(hardwareIdFromPhysicalIds(["[USER-GID]:1234", "[HWID]:h:6825110731", "[HWID]:h:999"])).toBe("6825110731");
    expect(hardwareIdFromPhysicalIds(["[hwid]:H:6825"])).toBe("6825");
  });

  it("is null when no entry is a whole [HWID]:h: entry with an id", () => {
    expect(hardwareIdFromPhysicalIds(["[USER-HWID]:h:6825", "x[HWID]:h:6825", "[HWID]:h:", "[GID]:g:6825", "[HWID]:6825"])).toBeNull();
    // A line break inside the value makes it no hardware id at all, not the part before the break.
    expect(hardwareIdFromPhysicalIds(["[HWID]:h:68\n25"])).toBeNull();
    expect(hardwareIdFromPhysicalIds([])).toBeNull();
    expect(hardwareIdFromPhysicalIds(null)).toBeNull();
    expect(hardwareIdFromPhysicalIds(undefined)).toBeNull();
  });
});
