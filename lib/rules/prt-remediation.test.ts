import { describe, expect, it } from "vitest";
import { buildRejoinSteps } from "@/lib/rules/build-rejoin-steps";
import { PRT_FAILURE_CAUSE_LABELS, type PrtFailureCause, type PrtFailureClassification } from "@/lib/rules/classify-prt-failure";
import { buildDeviceAuthRemediation, buildPrtRemediation, describeCodes } from "@/lib/rules/prt-remediation";
import { makeEntraReport, makeReport } from "@/lib/rules/testing/make-report";

const RETRY =
  "Lock and unlock the session (or sign out and in) as the user to trigger a new PRT request, then capture `dsregcmd /status` again in the user's session, unelevated.";
const classification = (cause: PrtFailureCause, codes: string[] = []): PrtFailureClassification => ({
  cause,
  label: PRT_FAILURE_CAUSE_LABELS[cause],
  evidence: [],
  codes,
  fromAttemptDiagnostics: false,
});
const steps = (cause: PrtFailureCause, codes: string[] = []) => buildPrtRemediation(classification(cause, codes), makeReport());

describe("buildPrtRemediation", () => {
  it("ends each user-side cause with its own steps and the retry", () => {
    for (const cause of ["mfa-interaction", "network-proxy", "federated-sts", "wrong-credentials", "user-not-synced"] as const) {
      const list = steps(cause);
      expect(list.at(-1), cause).toBe(RETRY);
      expect(list.length, cause).toBeGreaterThanOrEqual(3);
      expect(
        list.slice(0, -1).every((step) => step.length > 40),
        cause,
      ).toBe(true);
    }
    expect(steps("network-proxy")[0]).toContain("netsh winhttp show proxy");
    expect(steps("federated-sts")[0]).toBe("Read AAD Operational event 1088 on the device for the WS-Trust error.");
    expect(steps("user-not-synced")[1]).toContain("`.local`");
    expect(steps("local-account")).toEqual([
      "No action is needed for the local account itself.",
      "To check a work user's PRT, capture `dsregcmd /status` in the session of a user who signs in with a work account, unelevated.",
    ]);
  });

  it("leads an unknown cause with each known code's own fix", () => {
    const list = steps("unknown", ["0xcaa2000c", "0xdeadbeef"]);
    expect(list).toHaveLength(3);
    expect(list[0]).toMatch(/^0xCAA2000C: \S/i);
    expect(list[1]).toBe(
      "Collect the AAD Operational events 1081, 1084, 1088, 1098 and 1104 from the device (the agent uploads them when the log is readable).",
    );
    expect(list[2]).toBe(RETRY);
  });

  it("gives a failed device authentication the lookup, the sync-scope check for hybrid devices, then the re-join", () => {
    const hybrid = makeReport();
    const list = buildPrtRemediation(classification("device-auth-failed"), hybrid);
    expect(list).toEqual(buildDeviceAuthRemediation(hybrid));
    expect(list[0]).toContain(`Get-MgDevice -Filter "deviceId eq '${hybrid.deviceId}'"`);
    expect(list[1]).toMatch(/^If the object is gone, check whether the computer object was moved/);
    expect(list.slice(2)).toEqual(buildRejoinSteps(hybrid));
    const entra = makeEntraReport();
    expect(buildDeviceAuthRemediation(entra).slice(1)).toEqual(buildRejoinSteps(entra));
    expect(buildDeviceAuthRemediation(makeEntraReport({ deviceId: null }))[0]).toMatch(
      /^Look the device up in Microsoft Entra ID by its deviceId\. If it exists/,
    );
  });
});

describe("describeCodes", () => {
  it("is empty for no codes, else each code's explanation without its full stop", () => {
    expect(describeCodes([])).toBe("");
    const text = describeCodes(["0xcaa2000c", "AADSTS50076"]);
    expect(text).toMatch(/^Codes: 0xCAA2000C: [^;]*[^.]; AADSTS50076: [^;]*[^.]\.$/i);
  });
});

describe("describeCodes, word for word", () => {
  it("drops only each explanation's final full stop, and ends the list with one", () => {
    expect(describeCodes(["0x801c03f2", "aadsts135011", "0x12345678"])).toBe(
      "Codes: 0x801C03F2: DirectoryError: the device object was not found in Microsoft Entra ID. Expected for hybrid join until Entra Connect has synced the computer; AADSTS135011: The device is disabled in Microsoft Entra ID; 0x12345678.",
    );
  });
});

describe("buildDeviceAuthRemediation: the sync-scope check", () => {
  const SCOPE_CHECK = /^If the object is gone, check whether the computer object was moved/;

  it.each([
    ["a domain-joined report that is not Entra joined", makeReport({ joinType: "domain", azureAdJoined: false }), true],
    ["a hybrid report whose DomainJoined line was lost", makeReport({ domainJoined: null, omit: { "Device State": ["DomainJoined"] } }), true],
    ["an Entra joined report", makeEntraReport(), false],
  ])("%s: %s", (_name, report, expected) => {
    expect(buildDeviceAuthRemediation(report).some((step) => SCOPE_CHECK.test(step))).toBe(expected);
  });
});
