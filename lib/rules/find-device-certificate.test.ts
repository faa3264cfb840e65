import { describe, expect, it } from "vitest";
import { findDeviceCertificate } from "@/lib/rules/find-device-certificate";
import { makeInput, makeReport } from "@/lib/rules/testing/make-report";

describe("findDeviceCertificate", () => {
  it("reads the user capture's certificate end, with its line as printed", () => {
    const certificate = findDeviceCertificate(makeInput());
    expect(certificate?.validToMs).toBe(Date.parse("2034-11-05T08:42:40.000Z"));
    expect(certificate?.evidence()).toEqual({
      source: "dsregcmd /status · Device Details",
      field: "DeviceCertificateValidity",
      value: "[ 2024-11-05 08:12:40.000 UTC -- 2034-11-05 08:42:40.000 UTC ]",
    });
  });

  it("falls back to the SYSTEM capture, and is null when neither gives an end", () => {
    const systemReport = makeReport({ certValidTo: "2030-01-01T00:00:00.000Z" });
    const certificate = findDeviceCertificate(makeInput({ report: makeReport({ certValidTo: null }), systemReport }));
    expect(certificate?.validToMs).toBe(Date.parse("2030-01-01T00:00:00.000Z"));
    expect(certificate?.report).toBe(systemReport);
    expect(certificate?.evidence().source).toBe("dsregcmd /status (SYSTEM capture) · Device Details");
    expect(findDeviceCertificate(makeInput({ report: makeReport({ certValidTo: null }), systemReport: null }))).toBeNull();
  });

  it("names the Device Details section for a parsed end whose line is not in the sections", () => {
    const certificate = findDeviceCertificate(makeInput({ report: makeReport({ omit: { "Device Details": ["DeviceCertificateValidity"] } }) }));
    expect(certificate?.evidence()).toEqual({
      source: "dsregcmd /status · Device Details",
      field: "DeviceCertificateValidity",
      value: "2034-11-05T08:42:40.000Z",
    });
  });
});
