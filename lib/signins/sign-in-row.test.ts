import { describe, expect, it } from "vitest";
import { readSignInFixture } from "./fixtures";
import { GraphSignInSchema } from "./graph-sign-in-schema";
import { mapGraphSignIn } from "./map-graph-sign-in";
import { SIGN_IN_FIELD_COLUMNS, signInFromRow, signInRest, signInRow, type StoredSignInFields } from "./sign-in-row";
import type { SignInEvent } from "@/lib/rules/signin/sign-in-subject";
import { evaluateSignIn } from "@/lib/rules/signin/evaluate-sign-in";

const FIXTURES = [
  "activesync-legacy.json",
  "chrome-no-extension.json",
  "edge-expired-prt.json",
  "edge-leftover-registration.json",
  "edge-not-compliant.json",
  "edge-registered-needs-hybrid.json",
  "firefox-no-windows-sso.json",
  "ios-safari.json",
  "outlook-desktop-no-broker.json",
];

const signIn = (name: string): SignInEvent => mapGraphSignIn(GraphSignInSchema.parse(readSignInFixture(name)));

/** The stored row's sign-in columns as a database gives them back (a date as text, as SQLite returns it). */
function stored(event: SignInEvent): StoredSignInFields {
  const row = signInRow("tenant", { subject: { signIn: event, machines: [] }, machine: null }, evaluateSignIn({ signIn: event, machines: [] }), new Date());
  const fields = Object.fromEntries(SIGN_IN_FIELD_COLUMNS.map((c) => [c, row[c]])) as StoredSignInFields;
  return { ...fields, createdDateTime: (row.createdDateTime as Date).toISOString() };
}

describe("a stored sign-in row", () => {
  it.each(FIXTURES)("gives back the sign-in the rules read (%s)", (name) => {
    const event = signIn(name);
    expect(signInFromRow(stored(event))).toEqual(event);
  });

  it("stores no field of the sign-in twice: its JSON holds only what no column holds", () => {
    // Imitates edge-expired-prt.json: the JSON keeps the ids, the IP, the failure text, the device's compliance and
    // the policies; the user, app, client, error, times and the device's id, name, OS, browser and trust type are columns.
    const event = signIn("edge-expired-prt.json");
    const rest = JSON.parse(signInRest(event)) as Record<string, unknown>;
    expect(Object.keys(rest).sort()).toEqual(
      [
        "additionalDetails",
        "appId",
        "correlationId",
        "failureReason",
        "ipAddress",
        "isCompliant",
        "isInteractive",
        "isManaged",
        "policies",
        "resourceDisplayName",
        "userId",
      ].sort(),
    );
    expect(JSON.stringify(rest)).not.toContain(event.userPrincipalName!);
    expect(JSON.stringify(rest)).not.toContain(event.device.browser!);
  });

  it("keeps a user principal name's own case (the column is lower-case), and only when it differs", () => {
    const event = { ...signIn("chrome-no-extension.json"), userPrincipalName: "Ana.Lopez@Contoso.com" };
    expect(JSON.parse(signInRest(event)).upn).toBe("Ana.Lopez@Contoso.com");
    expect(stored(event).userPrincipalName).toBe("ana.lopez@contoso.com");
    expect(signInFromRow(stored(event)).userPrincipalName).toBe("Ana.Lopez@Contoso.com");
    expect(JSON.parse(signInRest({ ...event, userPrincipalName: "ana.lopez@contoso.com" })).upn).toBeUndefined();
  });

  it("reads a row stored before the compact form (the whole sign-in as its JSON) as the same sign-in", () => {
    const event = { ...signIn("edge-not-compliant.json"), userPrincipalName: "Joe@Contoso.com" };
    const old = { ...stored(event), signIn: JSON.stringify(event) };
    expect(signInFromRow(old)).toEqual(event);
  });

  it("stores the first finding's title as causeTitle, and none for a sign-in no rule explains", () => {
    const event = signIn("firefox-no-windows-sso.json");
    const evaluation = evaluateSignIn({ signIn: event, machines: [] });
    const row = signInRow("tenant", { subject: { signIn: event, machines: [] }, machine: null }, evaluation, new Date());
    expect(row.causeTitle).toBe(evaluation.findings[0]!.title);
    const none = signInRow(
      "tenant",
      { subject: { signIn: event, machines: [] }, machine: null },
      { ...evaluation, findings: [], cause: null, causeLabel: null },
      new Date(),
    );
    expect(none.causeTitle).toBeNull();
    expect(none.cause).toBe("unexplained");
  });
});

describe("RollupDelta.dropWritten", () => {
  it("leaves out a device's and a user's latest per cause that an earlier page of the run wrote as late or later", async () => {
    const { LatestWritten, RollupDelta } = await import("./sign-in-rollups");
    const row = (at: string, device: string, user: string) => ({
      createdDateTime: new Date(at),
      cause: "ca-device-no-prt",
      causeLabel: "No PRT",
      appDisplayName: "OfficeHome",
      userPrincipalName: user,
      machineDeviceId: device,
      deviceId: null,
    });
    const written = new LatestWritten();
    const first = new RollupDelta();
    first.add(row("2026-12-06T10:00:00Z", "d1", "u1"));
    first.dropWritten(written);
    expect([first.devices.size, first.users.size]).toEqual([1, 1]);
    // A later page (older sign-ins): d1 and u1 are already written later; d2 is new. The day's count always moves.
    const second = new RollupDelta();
    second.add(row("2026-12-06T09:00:00Z", "d1", "u1"));
    second.add(row("2026-12-06T09:30:00Z", "d2", "u1"));
    second.dropWritten(written);
    expect([...second.devices.values()].map((d) => d.deviceId)).toEqual(["d2"]);
    expect(second.users.size).toBe(0);
    expect([...second.daily.values()].map((d) => d.n)).toEqual([2]);
    // A later sign-in of d1 (the second query starts from the newest again) is written.
    const third = new RollupDelta();
    third.add(row("2026-12-06T11:00:00Z", "d1", "u1"));
    third.dropWritten(written);
    expect([third.devices.size, third.users.size]).toEqual([1, 1]);
  });
});
