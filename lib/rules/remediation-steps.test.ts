import { describe, expect, it } from "vitest";
import { evaluateDeviceRules } from "@/lib/rules/evaluate-device-rules";
import { classifyRemediationStep, commandsInStep, isCommand } from "@/lib/rules/remediation-steps";
import { makeDeviceSettings, makeDeviceSubject, makeDirectoryObject, makeEntraObject, makeSubjectReport } from "@/lib/rules/testing/make-directory-object";
import { makeEntraReport, makeReport } from "@/lib/rules/testing/make-report";
import type { Finding } from "@/lib/rules/types";

const failed = { deviceAuthStatus: "FAILED" as const, azureAdPrt: false, prtUpdateTime: null, prtExpiryTime: null, aadsts: "AADSTS50155" };

/** Devices whose findings carry every step builder: re-joins (hybrid, Entra joined), a disabled object, a deleted one. */
function scenarios(): Finding[] {
  const settings = makeDeviceSettings();
  const deletedAt = "2025-03-08T22:10:00.000Z";
  return [
    makeDeviceSubject({ report: makeSubjectReport({ parsed: makeReport(failed) }), directory: makeDirectoryObject({ deletedAt, deletedReason: "deleted" }) }),
    makeDeviceSubject({
      report: makeSubjectReport({ parsed: makeReport({ ...failed, aadsts: "AADSTS135011" }) }),
      directory: makeDirectoryObject({ accountEnabled: false }),
    }),
    makeDeviceSubject({ report: makeSubjectReport({ parsed: makeEntraReport(failed) }), directory: makeEntraObject({ deletedAt, deletedReason: "deleted" }) }),
    makeDeviceSubject({ report: makeSubjectReport({ parsed: makeEntraReport() }), directory: makeEntraObject({ accountEnabled: false }) }),
    makeDeviceSubject({ directory: makeDirectoryObject({ hasX509: false, thumbprint: null }) }),
  ].flatMap((subject) => evaluateDeviceRules(subject, settings));
}

describe("classifyRemediationStep", () => {
  const steps = scenarios().flatMap((f) => f.remediation.map((step) => ({ rule: f.rule, step })));

  it("labels every step the rules write that leaves, deletes or disconnects a registration as destructive", () => {
    expect(steps.length).toBeGreaterThan(20);
    const destructive = steps.filter(({ step }) => /dsregcmd \/leave|^Delete the|choose Disconnect/.test(step));
    expect(destructive.length).toBeGreaterThan(0);
    for (const { step } of destructive) expect(classifyRemediationStep(step), step).toBe("destructive");
  });

  it("never labels a look-up, a key backup or a re-check destructive, and calls them read-only", () => {
    for (const { step } of steps.filter(({ step }) =>
      /^(Find out|Capture `dsregcmd \/status`|Look the device up|This object holds|Confirm the DN)/.test(step),
    )) {
      expect(classifyRemediationStep(step), step).toBe("read-only");
    }
    expect(classifyRemediationStep("Do not delete the synced hybrid object in Microsoft Entra ID.")).toBe("warning");
    expect(classifyRemediationStep("Enable the computer account in Active Directory.")).toBe("change");
  });

  it("a disabled object's fix starts with a read-only step and has no destructive one", () => {
    const disabled = scenarios().filter((f) => f.rule === "object-disabled");
    expect(disabled).toHaveLength(2);
    for (const f of disabled) {
      expect(classifyRemediationStep(f.remediation[0]!)).toBe("read-only");
      expect(f.remediation.map(classifyRemediationStep)).not.toContain("destructive");
    }
  });
});

describe("commands", () => {
  it("finds complete commands with the device's ids filled in, and leaves field values alone", () => {
    const findings = scenarios();
    const disabledHybrid = findings.find((f) => f.rule === "object-disabled" && f.remediation.join(" ").includes("Enable-ADAccount"))!;
    expect(disabledHybrid.remediation.flatMap(commandsInStep)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Enable-ADAccount -Identity \(Get-ADComputer -Identity '[A-Za-z0-9-]+'\)$/),
        "Start-ADSyncSyncCycle -PolicyType Delta",
      ]),
    );
    const disabledEntra = findings.find((f) => f.rule === "object-disabled" && f.remediation.join(" ").includes("Update-MgDevice"))!;
    const objectId = makeEntraObject().objectId;
    expect(disabledEntra.remediation.flatMap(commandsInStep)).toContain(`Update-MgDevice -DeviceId ${objectId} -AccountEnabled:$true`);
    const keyStep = findings.flatMap((f) => f.remediation).find((s) => s.startsWith("This object holds BitLocker recovery keys"))!;
    expect(commandsInStep(keyStep)).toEqual([
      `Get-MgInformationProtectionBitlockerRecoveryKey -Filter "deviceId eq '${makeDirectoryObject().deviceId}'"`,
      `Get-LapsAADPassword -DeviceIds ${makeDirectoryObject().deviceId} -IncludePasswords`,
    ]);
    expect(isCommand("AzureAdPrt : YES")).toBe(false);
    expect(isCommand("DeviceAuthStatus : SUCCESS")).toBe(false);
    expect(isCommand("dsregcmd /status")).toBe(true);
    expect(isCommand("  dsregcmd /status ")).toBe(true);
    expect(commandsInStep("Run ` dsregcmd /status ` again.")).toEqual([" dsregcmd /status "]);
    expect(commandsInStep("Run `dsregcmd /leave` elevated, then `dsregcmd /status` and confirm `AzureAdJoined : NO`.")).toEqual([
      "dsregcmd /leave",
      "dsregcmd /status",
    ]);
  });
});
