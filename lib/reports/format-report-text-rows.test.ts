import { describe, expect, it } from "vitest";
import { formatReportText } from "./format-report-text";
import { NOTHING as NOTHING_SCALARS } from "./fixtures";
import type { ParsedDsregcmd } from "./types";

/** `joinscope parse --format text` for reports built field by field: every summary row, whole. */
const NOTHING: ParsedDsregcmd = { ...NOTHING_SCALARS, sections: [] };

const TENANT = "9b4a1a97-6a87-46a9-9671-f9a62bdd307b";

describe("formatReportText, row by row", () => {
  it("prints every row of a report that reported nothing as not reported, and no key fields", () => {
    expect(formatReportText(NOTHING)).toBe(
      [
        "Join type: Not joined or registered",
        "",
        "  Device name:         (not reported)",
        "  Device ID:           (not reported)",
        "  Tenant:              (not reported)",
        "  Domain:              (not reported)",
        "  Executing account:   (not reported)",
        "",
        "Primary Refresh Token",
        "  AzureAdPrt:          (not reported)",
        "  Updated:             (not reported)",
        "  Expires:             (not reported)",
        "  Last failed attempt: (not reported)",
        "",
        "Device certificate",
        "  Thumbprint:          (not reported)",
        "  Valid from:          (not reported)",
        "  Valid to:            (not reported)",
        "  TPM protected:       (not reported)",
        "  DeviceAuthStatus:    (not reported)",
        "",
        "Sections: ",
        "",
      ].join("\n"),
    );
  });

  it("prints each value where it was reported, YES and NO for the flags", () => {
    const text = formatReportText({
      ...NOTHING,
      joinType: "entra",
      deviceName: "PC-0042",
      deviceId: "52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b",
      tenantName: "Contoso",
      tenantId: TENANT,
      domainName: "CONTOSO",
      executingAccount: "CONTOSO\\jdoe",
      azureAdPrt: true,
      prtUpdateTime: "2026-01-02T03:04:05.000Z",
      prtExpiryTime: "2026-01-16T03:04:05.000Z",
      thumbprint: "65A221B61CEE4765A1F4370AF2BAD581F25A96E9",
      certValidFrom: "2022-03-08T16:22:31.000Z",
      certValidTo: "2032-03-08T16:52:31.000Z",
      tpmProtected: false,
      deviceAuthStatus: "SUCCESS",
    });
    expect(text.split("\n").slice(0, 21)).toEqual([
      "Join type: Microsoft Entra joined",
      "",
      "  Device name:         PC-0042",
      "  Device ID:           52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b",
      `  Tenant:              Contoso (${TENANT})`,
      "  Domain:              CONTOSO",
      "  Executing account:   CONTOSO\\jdoe",
      "",
      "Primary Refresh Token",
      "  AzureAdPrt:          YES",
      "  Updated:             2026-01-02T03:04:05.000Z",
      "  Expires:             2026-01-16T03:04:05.000Z",
      "  Last failed attempt: (not reported)",
      "",
      "Device certificate",
      "  Thumbprint:          65A221B61CEE4765A1F4370AF2BAD581F25A96E9",
      "  Valid from:          2022-03-08T16:22:31.000Z",
      "  Valid to:            2032-03-08T16:52:31.000Z",
      "  TPM protected:       NO",
      "  DeviceAuthStatus:    SUCCESS",
      "",
    ]);
  });

  it("names the tenant by whichever of its name and id was reported", () => {
    expect(formatReportText({ ...NOTHING, tenantName: "Contoso" })).toContain("\n  Tenant:              Contoso\n");
    expect(formatReportText({ ...NOTHING, tenantId: TENANT })).toContain(`\n  Tenant:              ${TENANT}\n`);
  });

  it("lists the parts of the last failed attempt that were reported, in order", () => {
    expect(formatReportText({ ...NOTHING, prtAttemptStatus: "0xc000006d" })).toContain("\n  Last failed attempt: 0xc000006d\n");
    expect(formatReportText({ ...NOTHING, prtServerErrorCode: "invalid_grant", aadsts: "AADSTS50126" })).toContain(
      "\n  Last failed attempt: invalid_grant, AADSTS50126\n",
    );
  });

  it("lists the key fields of the sections that have them, in the summary's order, and every section's name", () => {
    const text = formatReportText({
      ...NOTHING,
      sections: [
        { name: "User State", fields: [{ key: "WorkplaceJoined", value: "NO" }, { key: "NgcSet", value: "YES" }] },
        { name: "Work Account 1", fields: [{ key: "WorkplaceJoined", value: "YES" }] },
        { name: "Device State", fields: [{ key: "Not a key field", value: "x" }] },
        { name: "IE Proxy Config for Current User", fields: [{ key: "Proxy Server List", value: "" }] },
      ],
    });
    expect(text.slice(text.indexOf("\n\nKey fields\n"))).toBe(
      [
        "",
        "",
        "Key fields",
        "[User State]",
        "                      NgcSet : YES",
        "             WorkplaceJoined : NO",
        "[IE Proxy Config for Current User]",
        "           Proxy Server List :",
        "",
        "Sections: User State, Work Account 1, Device State, IE Proxy Config for Current User",
        "",
      ].join("\n"),
    );
  });
});
