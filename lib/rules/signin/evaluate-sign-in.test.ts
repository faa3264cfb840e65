/**
 * The sign-in rules on realistic sign-in events (lib/signins/fixtures, each imitating one helpdesk case: see its
 * README) joined with the dsregcmd captures of the user's machine (lib/reports/fixtures) and Graph device objects.
 */
import { describe, expect, it } from "vitest";
import { evaluateSignIn } from "@/lib/rules/signin/evaluate-sign-in";
import type { SignInSubject } from "@/lib/rules/signin/sign-in-subject";
import { machine, makeSignIn, signIn, SUBJECTS } from "@/lib/rules/signin/testing/sign-in-subjects";

const evaluate = (subject: SignInSubject) => evaluateSignIn(subject);
const rules = (subject: SignInSubject) => evaluate(subject).findings.map((f) => f.rule);

describe("ca-device-not-presented", () => {
  it("names Chrome without the extension when the user's hybrid PC held a valid PRT (Chrome 122, 53000)", () => {
    const result = evaluate({ signIn: signIn("chrome-no-extension.json"), machines: [machine("win11-24h2-hybrid-full.txt")] });
    expect(result.cause).toBe("ca-device-not-presented");
    expect(result.causeLabel).toBe("Chrome without the Microsoft Single Sign On extension");
    const [finding] = result.findings;
    expect(finding!.severity).toBe("medium");
    expect(finding!.explanation).toContain("PC-0142");
    expect(finding!.explanation).toContain("valid PRT");
    expect(finding!.remediation.join(" ")).toContain("ppnbnpeolgkicgegkbkbjmhlideopiji");
    expect(finding!.remediation.join(" ")).toContain("CloudAPAuthEnabled");
    expect(finding!.evidence).toContainEqual({ source: "Entra ID sign-in log · deviceDetail", field: "browser", value: "Chrome 122.0.0" });
    expect(finding!.evidence).toContainEqual({ source: "Entra ID sign-in log · deviceDetail", field: "deviceId", value: "(empty)" });
    expect(finding!.evidence.some((e) => e.field === "status.errorCode" && e.value === "53000 DeviceNotCompliant")).toBe(true);
  });

  it("names Firefox without Windows single sign-on", () => {
    const result = evaluate({ signIn: signIn("firefox-no-windows-sso.json"), machines: [machine("win11-24h2-hybrid-full.txt")] });
    expect(result.causeLabel).toBe("Firefox without Windows single sign-on");
    expect(result.findings[0]!.remediation.join(" ")).toContain("Allow Windows single sign-on for Microsoft, work, and school accounts");
  });

  it("names a desktop app that signs in without the Windows broker (Outlook, Rich Client)", () => {
    const result = evaluate({ signIn: signIn("outlook-desktop-no-broker.json"), machines: [machine("win11-24h2-hybrid-full.txt")] });
    expect(result.causeLabel).toBe("Desktop app that does not use the Windows broker");
    expect(result.findings[0]!.explanation).toContain("Microsoft Office");
  });

  it("says the sign-in came from another platform, at low severity, for an iPhone in Safari", () => {
    const result = evaluate({ signIn: signIn("ios-safari.json"), machines: [] });
    expect(result.cause).toBe("ca-device-not-presented");
    expect(result.causeLabel).toBe("Sign-in from iOS");
    expect(result.findings[0]!.severity).toBe("low");
  });

  it("names legacy authentication for Exchange ActiveSync", () => {
    const result = evaluate({ signIn: signIn("activesync-legacy.json"), machines: [] });
    expect(result.causeLabel).toBe("Legacy authentication (Exchange ActiveSync)");
  });

  it("says JoinScope has no report of the user's machine when none is known, at low severity", () => {
    const result = evaluate({ signIn: signIn("chrome-no-extension.json"), machines: [] });
    expect(result.findings[0]!.severity).toBe("low");
    expect(result.findings[0]!.explanation).toContain("no report of the user's Windows machine");
  });

  it("does not judge the PRT of a report captured by another user", () => {
    const other = machine("win11-22h2-entra-wrong-password.txt", { linkedBy: "given" });
    const result = evaluate({ signIn: signIn("chrome-no-extension.json"), machines: [other] });
    expect(rules({ signIn: signIn("chrome-no-extension.json"), machines: [other] })).toEqual(["ca-device-not-presented"]);
    expect(result.findings[0]!.explanation).toContain("alex.wilber@fabrikam.com");
  });
});

describe("ca-device-no-prt", () => {
  it("links the machine's prt-missing finding and its cause (AADSTS50126 on FAB-LT-2291)", () => {
    const result = evaluate({ signIn: signIn("edge-entra-wrong-password-no-prt.json"), machines: [machine("win11-22h2-entra-wrong-password.txt")] });
    expect(result.cause).toBe("ca-device-no-prt");
    expect(result.causeLabel).toBe("No PRT: wrong credentials or password not synced");
    const [finding] = result.findings;
    expect(finding!.severity).toBe("high");
    expect(finding!.title).toContain("FAB-LT-2291");
    expect(finding!.explanation).toContain("prt-missing");
    expect(finding!.evidence).toContainEqual({ source: "JoinScope finding on FAB-LT-2291", field: "rule", value: "prt-missing" });
    expect(finding!.evidence).toContainEqual({ source: "JoinScope device FAB-LT-2291", field: "subjectKey", value: "d:131c69e3-7566-426e-ba30-e8997acacfa9" });
    // A consequence stays quiet: without a PRT no browser presents the device.
    expect(result.findings.map((f) => f.rule)).toEqual(["ca-device-no-prt"]);
  });

  it("judges the PRT at the sign-in's time: expired three days before the sign-in", () => {
    const result = evaluate({ signIn: signIn("edge-expired-prt.json"), machines: [machine("win11-23h2-hybrid.txt")] });
    expect(result.cause).toBe("ca-device-no-prt");
    expect(result.findings[0]!.explanation).toContain("expired on 2025-11-17 07:13 UTC");
    expect(result.findings[0]!.explanation).toContain("prt-expired");
  });

  it("does not fire while the same PRT was still valid", () => {
    const early = makeSignIn({ createdDateTime: "2025-11-10T08:41:12.778Z" }, "edge-expired-prt.json");
    expect(rules({ signIn: early, machines: [machine("win11-23h2-hybrid.txt")] })).toEqual(["ca-device-not-presented"]);
  });
  it("a machine without a PRT does not explain a sign-in from another platform, nor one its missing join explains", () => {
    // Alex's sign-in of edge-entra-wrong-password-no-prt.json, made from an iPhone in Safari instead of FAB-LT-2291.
    const iphone = makeSignIn({ device: { operatingSystem: "Ios 17.4", browser: "Mobile Safari 17.4" } }, "edge-entra-wrong-password-no-prt.json");
    expect(rules({ signIn: iphone, machines: [machine("win11-22h2-entra-wrong-password.txt")] })).toEqual(["ca-device-not-presented"]);
    expect(
      rules({
        signIn: signIn("edge-expired-prt.json"),
        machines: [machine("win10-1809-domain-prejoin-fail.txt", { hostname: "PC-0733" }), machine("win11-23h2-hybrid.txt")],
      }),
    ).toEqual(["ca-device-not-joined"]);
  });
});

describe("ca-device-not-joined", () => {
  it("fires for a registered device against a hybrid-join policy (53001, Azure AD registered)", () => {
    const result = evaluate({ signIn: signIn("edge-registered-needs-hybrid.json"), machines: [] });
    expect(result.cause).toBe("ca-device-not-joined");
    expect(result.causeLabel).toBe("Microsoft Entra registered where hybrid join is required");
    expect(result.findings[0]!.title).toBe("DESKTOP-7H2K9QD is Microsoft Entra registered, and the policy requires hybrid join");
  });

  it("fires for an Entra joined device against a hybrid-join policy, and points to a compliance alternative", () => {
    const result = evaluate(SUBJECTS.entraNeedsHybrid());
    expect(result.findings[0]!.remediation[0]).toContain("Require device to be marked as compliant");
  });

  it('leaves a registered device under "compliant or hybrid joined" (53000) to ca-device-not-compliant: enrolment would pass it', () => {
    const event = signIn("edge-registered-needs-hybrid.json");
    const either = {
      ...event,
      errorCode: 53000,
      policies: [
        {
          id: "2b6f4c1e",
          displayName: "Require compliant or hybrid joined device",
          enforcedGrantControls: ["RequireCompliantDevice", "RequireDomainJoinedDevice"],
          result: "failure",
        },
      ],
    };
    const result = evaluate({ signIn: either, machines: [] });
    expect(result.findings.map((f) => f.rule)).toEqual(["ca-device-not-compliant"]);
    expect(result.causeLabel).toBe("Device not enrolled in Intune");
  });

  it("stays quiet when the presented device is hybrid joined", () => {
    const hybrid = makeSignIn({ device: { trustType: "Hybrid Azure AD joined" } }, "edge-registered-needs-hybrid.json");
    expect(rules({ signIn: hybrid, machines: [] })).toEqual([]);
  });

  it("fires without a device id when the user's machine is domain joined only (hybrid join pending)", () => {
    const result = evaluate({ signIn: signIn("edge-expired-prt.json"), machines: [machine("win10-1809-domain-prejoin-fail.txt", { hostname: "PC-0733" })] });
    expect(result.cause).toBe("ca-device-not-joined");
    expect(result.causeLabel).toBe("Hybrid join not completed");
  });
});

describe("ca-device-not-compliant", () => {
  it("fires for an Intune managed device that is not compliant (53000, isCompliant false)", () => {
    const result = evaluate({ signIn: signIn("edge-not-compliant.json"), machines: [] });
    expect(result.cause).toBe("ca-device-not-compliant");
    expect(result.causeLabel).toBe("Device not compliant");
    expect(result.findings[0]!.title).toBe("FAB-LT-3350 is not compliant");
  });

  it("says not managed when isManaged is false", () => {
    expect(evaluate(SUBJECTS.notManaged()).causeLabel).toBe("Device not enrolled in Intune");
  });
});

describe("ca-device-object-mismatch", () => {
  it("names the leftover registration PC-0142 presented instead of its hybrid join, with both objects", () => {
    const result = evaluate(SUBJECTS.leftoverRegistration());
    expect(result.cause).toBe("ca-device-object-mismatch");
    expect(result.causeLabel).toBe("Leftover registration presented instead of the join");
    const [finding] = result.findings;
    expect(finding!.evidence).toContainEqual({
      source: "Entra ID sign-in log · deviceDetail",
      field: "deviceId",
      value: "5c2a9e1d-7b4f-4e3a-9d6c-8f1e2a3b4c5d",
      expected: "dd5ac0a8-cb5f-461e-9269-2502cbabc065",
    });
    expect(finding!.evidence.filter((e) => e.field === "subjectKey").map((e) => e.value)).toEqual([
      "d:5c2a9e1d-7b4f-4e3a-9d6c-8f1e2a3b4c5d",
      "d:dd5ac0a8-cb5f-461e-9269-2502cbabc065",
    ]);
    expect(finding!.remediation.join(" ")).toContain("BlockAADWorkplaceJoin");
    // The registered object also fails "require hybrid joined", but that is the mismatch's consequence.
    expect(result.findings.map((f) => f.rule)).toEqual(["ca-device-object-mismatch"]);
  });

  it("is the same machine by hardware id when the names differ (a cloned image)", () => {
    expect(evaluate(SUBJECTS.clonedImage()).causeLabel).toBe("Another device object presented");
  });

  it("does not claim another machine of the user (another name, another hardware id)", () => {
    const laptop = makeSignIn({ device: { displayName: "LT-0007", trustType: "Hybrid Azure AD joined" } }, "edge-leftover-registration.json");
    expect(rules({ signIn: laptop, machines: [machine("win11-24h2-hybrid-full.txt")] })).not.toContain("ca-device-object-mismatch");
  });
});

describe("ca-device-object-gone", () => {
  it("fires for a disabled object and links the device", () => {
    const result = evaluate(SUBJECTS.disabledObject());
    expect(result.cause).toBe("ca-device-object-gone");
    expect(result.causeLabel).toBe("Device object disabled");
    expect(result.findings[0]!.remediation[0]).toContain("Active Directory");
    expect(result.findings.map((f) => f.rule)).toEqual(["ca-device-object-gone"]);
  });

  it("fires for a deleted object, and for a device id the directory does not hold", () => {
    expect(evaluate(SUBJECTS.deletedObject()).causeLabel).toBe("Device object deleted");
    expect(evaluate(SUBJECTS.unknownObject()).causeLabel).toBe("Device object not in the directory");
  });

  it("says nothing about the object when nobody looked it up", () => {
    expect(rules({ signIn: signIn("edge-disabled-device.json"), machines: [] })).toEqual([]);
  });
});

describe("sign-ins that need no explanation", () => {
  it("gives no finding for a successful sign-in", () => {
    const result = evaluate({ signIn: signIn("edge-success.json"), machines: [machine("win11-24h2-hybrid-full.txt")] });
    expect(result).toEqual({ deviceRelated: false, findings: [], cause: null, causeLabel: null });
  });

  it("gives no finding for a block that is not about the device (53003, location policy)", () => {
    expect(evaluate({ signIn: signIn("blocked-by-location.json"), machines: [] }).findings).toEqual([]);
  });

  it("is deterministic", () => {
    const subject = { signIn: signIn("chrome-no-extension.json"), machines: [machine("win11-24h2-hybrid-full.txt")] };
    expect(evaluate(subject)).toEqual(evaluate(structuredClone(subject)));
  });
});
