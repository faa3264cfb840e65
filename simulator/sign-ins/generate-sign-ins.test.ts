import { describe, expect, it } from "vitest";
import { generateTenant } from "../generate-tenant";
import type { Scenario } from "../types";
import { generateSignIns } from "./generate-sign-ins";
import type { SimSignIn } from "./sim-sign-in";

const NOW = "2025-03-10T12:00:00Z";
const tenant = generateTenant({ seed: 77, deviceCount: 400, now: NOW });
const signIns = generateSignIns(tenant, { seed: 77, now: NOW });
const machineOf = new Map(tenant.machines.map((m) => [m.userPrincipalName, m]));
const byScenario = (scenario: Scenario) => signIns.filter((s) => machineOf.get(s.userPrincipalName)?.scenario === scenario);
const windowsOf = (list: SimSignIn[]) => list.filter((s) => s.deviceDetail.operatingSystem === "Windows10");

describe("generateSignIns: a week of sign-ins consistent with the device scenarios", () => {
  it("is deterministic, newest first, within the 7 days before now, about 4 per machine per day", () => {
    expect(generateSignIns(tenant, { seed: 77, now: NOW })).toEqual(signIns);
    const times = signIns.map((s) => Date.parse(s.createdDateTime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.parse(NOW) - 7 * 86_400_000);
    expect(Math.max(...times)).toBeLessThanOrEqual(Date.parse(NOW));
    const active = tenant.machines.filter((m) => m.scenario !== "stale-device").length;
    expect(signIns.length / active / 7).toBeGreaterThan(3);
    expect(signIns.length / active / 7).toBeLessThan(5);
    expect(new Set(signIns.map((s) => s.id)).size).toBe(signIns.length);
    expect(signIns[0]!.createdDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
  });

  it("gives each user one UPN (the second Adele Vance is adele.vance2) that matches the executing account of their report", () => {
    const upns = tenant.machines.map((m) => m.userPrincipalName);
    expect(new Set(upns).size).toBe(upns.length);
    for (const report of tenant.reports.slice(0, 50)) {
      const machine = tenant.machines.find((m) => m.hostname === report.hostname)!;
      // SYSTEM captures, personal accounts on registered PCs and pre-join reports (no Executing Account Name) name no work account.
      if (report.scenario === "run-as-system" || machine.trustType === "Workplace" || !report.dsregcmd.includes("Executing Account Name")) continue;
      expect(report.dsregcmd).toContain(machine.userPrincipalName);
    }
  });

  it("a machine without a PRT never presents its device, and its sign-ins fail with 53000", () => {
    const noPrt = windowsOf([...byScenario("prt-expired"), ...byScenario("prt-wrong-password"), ...byScenario("thumbprint-mismatch")]);
    expect(noPrt.length).toBeGreaterThan(0);
    for (const s of noPrt) {
      expect(s.deviceDetail.deviceId).toBe("");
      expect(s.status.errorCode).toBe(53000);
      expect(s.conditionalAccessStatus).toBe("failure");
    }
  });

  it("a disabled object is presented and refused", () => {
    const disabled = windowsOf(byScenario("object-disabled")).filter((s) => s.deviceDetail.deviceId !== "");
    expect(disabled.length).toBeGreaterThan(0);
    for (const s of disabled) {
      expect(s.deviceDetail.deviceId).toBe(machineOf.get(s.userPrincipalName)!.deviceId);
      expect(s.conditionalAccessStatus).toBe("failure");
    }
  });

  it("the duplicate-device machine's browser presents its leftover registration, its desktop apps the join", () => {
    const dup = windowsOf(byScenario("duplicate-device"));
    const browser = dup.filter((s) => s.clientAppUsed === "Browser" && s.deviceDetail.deviceId !== "");
    expect(browser.length).toBeGreaterThan(0);
    for (const s of browser) {
      expect(s.deviceDetail).toMatchObject({ deviceId: machineOf.get(s.userPrincipalName)!.leftoverDeviceId, trustType: "Azure AD registered" });
      expect(s.status.errorCode).toBe(53000);
    }
    const apps = dup.filter((s) => s.clientAppUsed !== "Browser" && s.deviceDetail.deviceId !== "");
    for (const s of apps) expect(s.deviceDetail).toMatchObject({ deviceId: machineOf.get(s.userPrincipalName)!.deviceId, trustType: "Hybrid Azure AD joined" });
  });

  it("a healthy hybrid PC in Edge passes; in Chrome without the extension it is blocked with no device", () => {
    const healthy = windowsOf(byScenario("healthy-hybrid"));
    const edge = healthy.filter((s) => s.deviceDetail.browser.startsWith("Edge"));
    expect(edge.length).toBeGreaterThan(0);
    for (const s of edge)
      expect(s).toMatchObject({ conditionalAccessStatus: "success", status: { errorCode: 0 }, deviceDetail: { trustType: "Hybrid Azure AD joined" } });
    const blockedChrome = healthy.filter((s) => s.deviceDetail.browser.startsWith("Chrome") && s.conditionalAccessStatus === "failure");
    expect(blockedChrome.length).toBeGreaterThan(0);
    for (const s of blockedChrome) expect(s.deviceDetail.deviceId).toBe("");
    expect(signIns.filter((s) => s.appliedConditionalAccessPolicies[0]!.result === "failure").every((s) => s.conditionalAccessStatus === "failure")).toBe(true);
  });

  it("an Entra joined PC that Intune marks non-compliant presents its device and fails", () => {
    const nonCompliant = tenant.machines.filter((m) => m.scenario === "healthy-entra" && m.isCompliant === false);
    expect(nonCompliant.length).toBeGreaterThan(0);
    const theirs = signIns.filter((s) => nonCompliant.some((m) => m.userPrincipalName === s.userPrincipalName) && s.deviceDetail.deviceId !== "");
    for (const s of theirs) expect(s).toMatchObject({ status: { errorCode: 53000 }, deviceDetail: { isCompliant: false, trustType: "Azure AD joined" } });
  });

  it("makes exactly `count` blocked sign-ins for the bench", () => {
    const blocked = generateSignIns(tenant, { seed: 1, now: NOW, count: 5000, blockedOnly: true });
    expect(blocked).toHaveLength(5000);
    expect(blocked.every((s) => s.conditionalAccessStatus === "failure")).toBe(true);
  });
});
