/**
 * The sign-in rules' test inputs, built from the realistic fixtures (sign-in events from lib/signins/fixtures, each
 * imitating a helpdesk case; dsregcmd captures from lib/reports/fixtures; Graph device objects) so that every test file
 * of lib/rules/signin reads the same cases instead of copying them. `makeSignIn` changes one of them field by field
 * for boundary cases; `ruleInput` gives one rule what evaluateSignIn would give it.
 */
import { GraphDeviceSchema } from "@/lib/graph/graph-schemas";
import { readFixture } from "@/lib/reports/fixtures";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { DirectoryObject } from "@/lib/rules/device-subject";
import { describeClient } from "@/lib/rules/signin/describe-client";
import { readDeviceRequirement } from "@/lib/rules/signin/device-requirement";
import type { SignInRuleId, SignInRuleInput } from "@/lib/rules/signin/sign-in-rule";
import type { SignInDeviceDetail, SignInEvent, SignInMachine, SignInPolicy, SignInSubject } from "@/lib/rules/signin/sign-in-subject";
import { makeRegisteredReport, makeReport } from "@/lib/rules/testing/make-report";
import { makeDirectoryObject } from "@/lib/rules/testing/make-directory-object";
import { readSignInFixture } from "@/lib/signins/fixtures";
import { GraphSignInSchema } from "@/lib/signins/graph-sign-in-schema";
import { mapGraphSignIn } from "@/lib/signins/map-graph-sign-in";
import { directoryObjectFromGraph } from "@/lib/sync/directory-object-from-graph";

/** A sign-in fixture (`chrome-no-extension.json`) as the rules read it. */
export const signIn = (name: string): SignInEvent => mapGraphSignIn(GraphSignInSchema.parse(readSignInFixture(name)));

/** A dsregcmd fixture, parsed. */
export function report(name: string): ParsedDsregcmd {
  const r = parseDsregcmd(readFixture(name));
  if (!r.ok) throw new Error(r.error.message);
  return r.report;
}

/** The device object of a Graph `GET /devices?$filter=…` fixture. */
export function graphObject(name: string): DirectoryObject {
  const json = readSignInFixture(name) as { value: unknown[] };
  return directoryObjectFromGraph(GraphDeviceSchema.parse(json.value[0]));
}

/** The user's machine known from a dsregcmd fixture, linked by the user and time. */
export function machine(reportName: string, overrides: Partial<SignInMachine> = {}): SignInMachine {
  const parsed = report(reportName);
  return {
    hostname: parsed.deviceName?.split(".")[0] ?? "PC",
    deviceId: parsed.deviceId,
    report: parsed,
    capturedAt: null,
    linkedBy: "user-and-time",
    subjectKey: parsed.deviceId ? `d:${parsed.deviceId}` : null,
    ...overrides,
  };
}

/** A machine known only from a report built like make-report.ts's samples. */
export const builtMachine = (hostname: string, built: ParsedDsregcmd, overrides: Partial<SignInMachine> = {}): SignInMachine => ({
  hostname,
  deviceId: built.deviceId,
  report: built,
  capturedAt: null,
  linkedBy: "user-and-time",
  subjectKey: null,
  ...overrides,
});

/** The same user's machine, renamed, whose report shows a PRT renewed a day before the sign-in (valid until 2025-12-03). */
export function renewedMachine(hostname: string): SignInMachine {
  const renewed = readFixture("win11-23h2-hybrid.txt")
    .toString("utf8")
    .replace("AzureAdPrtUpdateTime : 2025-11-03 07:12:36.000 UTC", "AzureAdPrtUpdateTime : 2025-11-19 07:12:36.000 UTC")
    .replace("AzureAdPrtExpiryTime : 2025-11-17 07:13:30.000 UTC", "AzureAdPrtExpiryTime : 2025-12-03 07:13:30.000 UTC");
  const parsed = parseDsregcmd(renewed);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return { ...machine("win11-23h2-hybrid.txt"), hostname, report: parsed.report };
}

export type SignInChanges = Partial<Omit<SignInEvent, "device">> & { device?: Partial<SignInDeviceDetail> };

/** A fixture's sign-in (by default Chrome without the extension, 53000, no device) with some fields changed. */
export function makeSignIn(changes: SignInChanges = {}, fixture = "chrome-no-extension.json"): SignInEvent {
  const base = signIn(fixture);
  const { device, ...rest } = changes;
  return { ...base, ...rest, device: { ...base.device, ...device } };
}

/** A Conditional Access policy as the sign-in log lists it, failed unless said otherwise. */
export const policy = (
  displayName: string | null,
  enforcedGrantControls: string[],
  result: string | null = "failure",
  id: string | null = null,
): SignInPolicy => ({
  id,
  displayName,
  enforcedGrantControls,
  result,
});

/** The hybrid-join policy's sign-in (edge-registered-needs-hybrid.json) from a browser that presented no device. */
export const hybridPolicyNoDevice = (): SignInEvent => makeSignIn({ device: { deviceId: null, trustType: null } }, "edge-registered-needs-hybrid.json");

/** What evaluateSignIn gives one rule for the subject, with the rules that already explained it. */
export function ruleInput(subject: SignInSubject, explainedBy: SignInRuleId[] = []): SignInRuleInput {
  return { subject, requirement: readDeviceRequirement(subject.signIn), client: describeClient(subject.signIn), explainedBy: new Set(explainedBy) };
}

/** The helpdesk cases, each a sign-in with what JoinScope knows around it. */
export const SUBJECTS = {
  clonedImage: () => {
    // The same machine by hardware id under another name: a clone of PC-0142's image, hybrid joined as PC-0999.
    const clone = makeSignIn({ device: { displayName: "PC-0999", trustType: "Hybrid Azure AD joined" } }, "edge-leftover-registration.json");
    const presented = makeDirectoryObject({
      objectId: "0e0e0e0e-1111-4222-8333-444455556666",
      deviceId: clone.device.deviceId,
      displayName: "PC-0999",
      hardwareId: "6825794768524310",
    });
    const own = makeDirectoryObject({ deviceId: "dd5ac0a8-cb5f-461e-9269-2502cbabc065", hardwareId: "6825794768524310" });
    return { signIn: clone, presentedObject: presented, machines: [machine("win11-24h2-hybrid-full.txt", { directory: own })] };
  },
  hybridPolicyEntraMachine: () => ({ signIn: hybridPolicyNoDevice(), machines: [machine("win11-22h2-entra-wrong-password.txt")] }),
  hybridPolicyRegisteredMachine: () => ({ signIn: hybridPolicyNoDevice(), machines: [machine("win10-21h2-registered.txt")] }),
  hybridPolicyDomainAndRegistered: () => ({
    signIn: hybridPolicyNoDevice(),
    machines: [
      builtMachine("PC-0142", makeRegisteredReport({ domainJoined: true, domainName: "CONTOSO", executingAccount: "CONTOSO\\jdoe, jdoe@contoso.com" })),
    ],
  }),
  hybridPolicyWorkgroupMachine: () => ({
    signIn: hybridPolicyNoDevice(),
    machines: [
      builtMachine(
        "PC-0999",
        makeReport({
          joinType: "none",
          azureAdJoined: false,
          domainJoined: false,
          domainName: null,
          workplaceJoined: null,
          azureAdPrt: false,
          executingAccount: "PC-0999\\jane, ",
        }),
      ),
    ],
  }),
  noPrtTwoMachines: () => ({
    signIn: signIn("edge-expired-prt.json"),
    machines: [machine("win11-23h2-hybrid.txt"), machine("win11-23h2-hybrid.txt", { hostname: "PC-0020" })],
  }),
  chromeSystemCapture: () => ({ signIn: signIn("chrome-no-extension.json"), machines: [machine("win10-22h2-hybrid-system.txt")] }),
  noPrtOneOtherUsable: () => ({ signIn: signIn("edge-expired-prt.json"), machines: [machine("win11-23h2-hybrid.txt"), renewedMachine("PC-0020")] }),
  noPrtTwoOthersUsable: () => ({
    signIn: signIn("edge-expired-prt.json"),
    machines: [machine("win11-23h2-hybrid.txt"), renewedMachine("PC-0020"), renewedMachine("PC-0021")],
  }),
  chromeValidPrt: () => ({
    signIn: signIn("chrome-no-extension.json"),
    machines: [machine("win11-24h2-hybrid-full.txt", { capturedAt: "2025-11-20T08:00:00.000Z" })],
  }),
  chromeNoMachine: () => ({ signIn: signIn("chrome-no-extension.json"), machines: [] }),
  chromeOtherUsersReport: () => ({
    signIn: signIn("chrome-no-extension.json"),
    machines: [machine("win11-22h2-entra-wrong-password.txt", { linkedBy: "given" })],
  }),
  firefox: () => ({ signIn: signIn("firefox-no-windows-sso.json"), machines: [machine("win11-24h2-hybrid-full.txt")] }),
  outlookNoBroker: () => ({ signIn: signIn("outlook-desktop-no-broker.json"), machines: [machine("win11-24h2-hybrid-full.txt")] }),
  iosSafari: () => ({ signIn: signIn("ios-safari.json"), machines: [] }),
  activeSync: () => ({ signIn: signIn("activesync-legacy.json"), machines: [] }),
  noPrtWrongPassword: () => ({
    signIn: signIn("edge-entra-wrong-password-no-prt.json"),
    machines: [machine("win11-22h2-entra-wrong-password.txt", { capturedAt: "2025-11-20T08:00:00.000Z" })],
  }),
  noPrtExpired: () => ({ signIn: signIn("edge-expired-prt.json"), machines: [machine("win11-23h2-hybrid.txt"), machine("win11-24h2-hybrid-full.txt")] }),
  registeredNeedsHybrid: () => ({ signIn: signIn("edge-registered-needs-hybrid.json"), machines: [] }),
  entraNeedsHybrid: () => ({ signIn: makeSignIn({ device: { trustType: "Azure AD joined" } }, "edge-registered-needs-hybrid.json"), machines: [] }),
  domainOnlyMachine: () => ({ signIn: signIn("edge-expired-prt.json"), machines: [machine("win10-1809-domain-prejoin-fail.txt", { hostname: "PC-0733" })] }),
  notCompliant: () => ({ signIn: signIn("edge-not-compliant.json"), machines: [] }),
  notManaged: () => ({ signIn: makeSignIn({ device: { isManaged: false } }, "edge-not-compliant.json"), machines: [] }),
  leftoverRegistration: () => ({
    signIn: signIn("edge-leftover-registration.json"),
    presentedObject: graphObject("device-pc-0142-leftover-registration.json"),
    machines: [machine("win11-24h2-hybrid-full.txt")],
  }),
  disabledObject: () => ({
    signIn: signIn("edge-disabled-device.json"),
    presentedObject: graphObject("device-pc-0466-disabled.json"),
    machines: [machine("win11-24h2-hybrid-disabled.txt", { linkedBy: "presented-device" })],
  }),
  deletedObject: () => {
    const e = signIn("edge-disabled-device.json");
    return {
      signIn: e,
      presentedObject: makeDirectoryObject({ deviceId: e.device.deviceId, deletedAt: "2025-04-01T10:00:00.000Z", deletedReason: "deleted" }),
      machines: [],
    };
  },
  unknownObject: () => ({ signIn: signIn("edge-disabled-device.json"), presentedObject: null, machines: [] }),
} satisfies Record<string, () => SignInSubject>;

export type SubjectName = keyof typeof SUBJECTS;
