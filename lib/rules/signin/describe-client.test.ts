/**
 * describeClientShared: the pull's describeClient, one description per distinct client. Realistic sign-ins from
 * lib/signins/fixtures (each imitating a helpdesk case, see its README), and the same sign-ins with one field the
 * description reads changed at a time: the shared description must always be what describeClient gives.
 */
import { describe, expect, it } from "vitest";
import { describeClient, describeClientShared } from "@/lib/rules/signin/describe-client";
import type { SignInEvent } from "@/lib/rules/signin/sign-in-subject";
import { readSignInFixture } from "@/lib/signins/fixtures";
import { GraphSignInSchema } from "@/lib/signins/graph-sign-in-schema";
import { mapGraphSignIn } from "@/lib/signins/map-graph-sign-in";

const signIn = (name: string) => mapGraphSignIn(GraphSignInSchema.parse(readSignInFixture(`${name}.json`)));

const FIXTURES = [
  "chrome-no-extension",
  "firefox-no-windows-sso",
  "edge-expired-prt",
  "edge-leftover-registration",
  "ios-safari",
  "outlook-desktop-no-broker",
  "activesync-legacy",
];

/** The sign-in with one field describeClient reads set to `value`. */
function withField(
  base: SignInEvent,
  field: "deviceId" | "browser" | "operatingSystem" | "clientAppUsed" | "appDisplayName",
  value: string | null,
): SignInEvent {
  if (field === "clientAppUsed" || field === "appDisplayName") return { ...base, [field]: value };
  return { ...base, device: { ...base.device, [field]: value } };
}

describe("describeClientShared", () => {
  it("gives what describeClient gives, for each realistic sign-in, and the same object again for the same client", () => {
    for (const name of FIXTURES) {
      const s = signIn(name);
      const shared = describeClientShared(s);
      expect(shared, name).toEqual(describeClient(s));
      // Another sign-in of the same client (another id, user and time) shares it.
      expect(describeClientShared({ ...s, id: `${s.id}-2`, userPrincipalName: "someone.else@contoso.com", createdDateTime: "2026-12-01T08:00:00Z" })).toBe(
        shared,
      );
    }
  });

  it("describes anew when any field it reads differs: the device id, browser, operating system, client app or app name", () => {
    const base = signIn("chrome-no-extension");
    const variants: [Parameters<typeof withField>[1], string | null][] = [
      ["deviceId", "2f6f0c5e-1b4e-4a39-9d0f-6a1c0a7e5d21"],
      ["browser", "Firefox 120.0.0"],
      ["browser", ""],
      ["browser", null],
      ["operatingSystem", "MacOs"],
      ["operatingSystem", null],
      ["clientAppUsed", "Mobile Apps and Desktop clients"],
      ["clientAppUsed", "Exchange ActiveSync"],
      ["clientAppUsed", null],
      ["appDisplayName", "Microsoft Teams"],
    ];
    describeClientShared(base);
    for (const [field, value] of variants) {
      const changed = withField(base, field, value);
      expect(describeClientShared(changed), `${field}=${String(value)}`).toEqual(describeClient(changed));
    }
    // A desktop app's description names the app: the app name is part of what is shared.
    const app = withField(base, "clientAppUsed", "Mobile Apps and Desktop clients");
    expect(describeClientShared(withField(app, "appDisplayName", "Microsoft Teams")).why).toContain("Microsoft Teams");
    expect(describeClientShared(withField(app, "appDisplayName", "Outlook")).why).toContain("Outlook");
  });

  it("is frozen, so no caller can change another sign-in's description", () => {
    const shared = describeClientShared(signIn("firefox-no-windows-sso"));
    expect(Object.isFrozen(shared)).toBe(true);
    expect(() => (shared.remediation as string[]).push("changed")).toThrow(TypeError);
    expect(() => {
      (shared.evidence[0] as { value: string }).value = "changed";
    }).toThrow(TypeError);
    expect(describeClientShared(signIn("firefox-no-windows-sso"))).toEqual(describeClient(signIn("firefox-no-windows-sso")));
  });
});
