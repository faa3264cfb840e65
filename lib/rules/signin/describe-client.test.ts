/**
 * describeClientShared: the pull's describeClient, one description per distinct client. Realistic sign-ins from
 * lib/signins/fixtures (each imitating a helpdesk case, see its README), and the same sign-ins with one field the
 * description reads changed at a time: the shared description must always be what describeClient gives.
 */
import { describe, expect, it } from "vitest";
import { describeClient, describeClientShared, platformOf, type ClientDescription } from "@/lib/rules/signin/describe-client";
import type { SignInEvent } from "@/lib/rules/signin/sign-in-subject";
import { makeSignIn, signIn as fixtureSignIn } from "@/lib/rules/signin/testing/sign-in-subjects";

const signIn = (name: string) => fixtureSignIn(`${name}.json`);

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
    // A client no other test describes: the description is made (and frozen) here, whichever tests ran before.
    const shared = describeClientShared(makeSignIn({ appDisplayName: "Frozen client" }, "firefox-no-windows-sso.json"));
    expect(Object.isFrozen(shared)).toBe(true);
    expect(() => (shared.remediation as string[]).push("changed")).toThrow(TypeError);
    expect(() => {
      (shared.evidence[0] as { value: string }).value = "changed";
    }).toThrow(TypeError);
    expect(describeClientShared(signIn("firefox-no-windows-sso"))).toEqual(describeClient(signIn("firefox-no-windows-sso")));
  });

  it("keeps the fields apart: two clients whose fields run together the same way are two clients", () => {
    const a = makeSignIn({ device: { browser: "Firefox 120.0", operatingSystem: "Windows 10" }, appDisplayName: "Apart A" });
    const b = makeSignIn({ device: { browser: "Firefox 120.0Windows", operatingSystem: " 10" }, appDisplayName: "Apart A" });
    expect(describeClientShared(a).kind).toBe("firefox");
    expect(describeClientShared(b)).toEqual(describeClient(b));
    expect(describeClientShared(b).kind).toBe("other-platform");
  });

  it("holds another client's description while others are described in between", () => {
    const first = makeSignIn({ appDisplayName: "Interleaved 1" });
    const held = describeClientShared(first);
    describeClientShared(makeSignIn({ appDisplayName: "Interleaved 2" }));
    expect(describeClientShared(first)).toBe(held);
  });

  it("holds at most 4,096 clients: the one after them empties the cache", () => {
    // The cache holds what other tests described: first describe new clients until it is emptied (a held client is
    // described anew), which leaves that client and the last new one in it.
    const first = makeSignIn({ appDisplayName: "Bound 0" });
    let held = describeClientShared(first);
    let n = 1;
    for (; n <= 4097; n++) {
      describeClientShared({ ...first, appDisplayName: `Bound ${n}` });
      const again = describeClientShared(first);
      if (again !== held) {
        held = again;
        break;
      }
    }
    expect(n, "emptied within 4,097 new clients").toBeLessThanOrEqual(4096);
    // Two held now: 4,094 more fill it to 4,096, and the next empties it.
    for (let i = 1; i <= 4094; i++) describeClientShared({ ...first, appDisplayName: `Bound ${n}-${i}` });
    expect(describeClientShared(first), "4,096 clients are held").toBe(held);
    describeClientShared({ ...first, appDisplayName: `Bound ${n}-4095` });
    const again = describeClientShared(first);
    expect(again, "the cache was emptied").not.toBe(held);
    expect(again).toEqual(held);
  });
});

describe("platformOf", () => {
  it.each([
    [null, null],
    [undefined, null],
    ["", null],
    ["   ", null],
    ["Windows10", "windows"],
    [" Windows 11 ", "windows"],
    ["WINDOWS", "windows"],
    ["Windows Phone 8.1", "other"],
    ["MacOs", "macos"],
    ["Ios 17.4", "ios"],
    ["iPadOS 17", "ios"],
    ["Android 14", "android"],
    ["Linux 6.5", "linux"],
    ["Ubuntu 22.04", "linux"],
    ["ChromeOS", "other"],
  ] as const)("%j is %j", (os, platform) => {
    expect(platformOf(os)).toBe(platform);
  });
});

type ClientCase = [string, Parameters<typeof makeSignIn>[0], Partial<ClientDescription>];

describe("describeClient", () => {
  const device = (browser: string | null, operatingSystem: string | null = "Windows10") => ({ device: { browser, operatingSystem } });

  it.each<ClientCase>([
    [
      "Chrome 122",
      device("Chrome 122.0.0"),
      { kind: "chrome", platform: "windows", browser: { name: "Chrome", major: 122 }, label: "Chrome 122.0.0 on Windows10" },
    ],
    ["a version without dots", device("Chrome 122"), { kind: "chrome", browser: { name: "Chrome", major: 122 } }],
    ["a version without a space", device("Chrome122.0"), { kind: "chrome", browser: { name: "Chrome", major: 122 } }],
    ["no version", device("Edge"), { kind: "edge", browser: { name: "Edge", major: null } }],
    ["spaces around", device(" Edge 121.0.2277 "), { kind: "edge", browser: { name: "Edge", major: 121 } }],
    ["a name of two words", device("Mobile Safari 17.4", "Windows10"), { kind: "other-browser", browser: { name: "Mobile Safari", major: 17 } }],
    ["a name that does not start with a letter", device("1Chrome 122.0"), { kind: "unknown", browser: null }],
    ["no browser, a browser sign-in", device(null), { kind: "unknown", browser: null, label: "Browser on Windows10" }],
    [
      "no browser, no app, no operating system",
      { device: { browser: null, operatingSystem: null }, clientAppUsed: null },
      { kind: "unknown", platform: null, label: "an unknown client" },
    ],
    ["Internet Explorer", device("IE 11.0"), { kind: "ie", causeLabel: "Internet Explorer" }],
    ["another browser", device("Opera 106.0"), { kind: "other-browser", causeLabel: "Opera cannot present the device" }],
    [
      "legacy authentication, with spaces",
      { clientAppUsed: " Exchange ActiveSync " },
      { kind: "legacy-auth", causeLabel: "Legacy authentication (Exchange ActiveSync)" },
    ],
    ["IMAP", { clientAppUsed: "IMAP4" }, { kind: "legacy-auth" }],
    ["a desktop client by clientAppUsed", { clientAppUsed: "Mobile Apps and Desktop clients", ...device(null) }, { kind: "desktop-app" }],
    ["a desktop client by its browser", device("Rich Client 4.61.0.0"), { kind: "desktop-app" }],
    ["more than the desktop clients' name", { clientAppUsed: "Mobile Apps and Desktop clients (preview)", ...device("Edge 120.0") }, { kind: "edge" }],
    ["the desktop clients' name inside another", { clientAppUsed: "Not mobile apps and desktop clients", ...device("Edge 120.0") }, { kind: "edge" }],
    ["more than Rich Client", device("Rich Client Plus 4.0"), { kind: "other-browser" }],
    ["Rich Client inside another name", device("Super Rich Client 4.0"), { kind: "other-browser" }],
    ["another platform", device("Chrome 122.0", "Android 14"), { kind: "other-platform", platform: "android", causeLabel: "Sign-in from Android" }],
  ])("%s", (_, changes, expected) => {
    expect(describeClient(makeSignIn(changes))).toMatchObject(expected);
  });

  it("quotes the fields it read, and only those the log gives", () => {
    const source = "Entra ID sign-in log · deviceDetail";
    expect(describeClient(makeSignIn({ clientAppUsed: " Browser " })).evidence).toEqual([
      { source, field: "deviceId", value: "(empty)" },
      { source, field: "browser", value: "Chrome 122.0.0" },
      { source, field: "operatingSystem", value: "Windows10" },
      { source: "Entra ID sign-in log", field: "clientAppUsed", value: "Browser" },
    ]);
    expect(describeClient(makeSignIn({ device: { browser: null, operatingSystem: null }, clientAppUsed: null })).evidence).toEqual([
      { source, field: "deviceId", value: "(empty)" },
    ]);
  });

  it("offers the CloudAPAuthEnabled policy from Chrome 111 on", () => {
    const chrome = (version: string) => describeClient(makeSignIn(device(`Chrome ${version}`)));
    for (const version of ["111.0", "122.0.0"]) {
      expect(chrome(version).why, version).toContain("or the CloudAPAuthEnabled policy");
      expect(chrome(version).remediation[0], version).toContain("set the CloudAPAuthEnabled policy to 1");
    }
    for (const c of [chrome("110.0.5481"), describeClient(makeSignIn(device("Chrome")))]) {
      expect(c.why).toBe(
        "Chrome on Windows presents the device only with the Microsoft Single Sign On extension (formerly Windows Accounts), and not in an Incognito window unless the extension is allowed there.",
      );
      expect(c.remediation[0]).toBe(
        "Deploy the Microsoft Single Sign On extension to Chrome: policy ExtensionInstallForcelist (HKLM\\Software\\Policies\\Google\\Chrome\\ExtensionInstallForcelist) with `ppnbnpeolgkicgegkbkbjmhlideopiji;https://clients2.google.com/service/update2/crx`.",
      );
    }
  });

  it("asks for Firefox 91 or later below 91 only", () => {
    const old = describeClient(makeSignIn(device("Firefox 90.0")));
    expect(old.why).toBe("Firefox 90 is older than 91, the first version that can present the device.");
    expect(old.remediation).toHaveLength(2);
    expect(old.remediation[0]).toBe("Update Firefox to version 91 or later.");
    expect(old.remediation[1]).toContain("WindowsSSO enterprise policy");
    for (const current of [describeClient(makeSignIn(device("Firefox 91.0"))), describeClient(makeSignIn(device("Firefox")))]) {
      expect(current.why).toContain('"Allow Windows single sign-on for Microsoft, work, and school accounts" enabled');
      expect(current.remediation).toHaveLength(1);
      expect(current.remediation[0]).toContain("WindowsSSO enterprise policy");
    }
  });

  it("says what each client needs, in words", () => {
    const words = (changes: Parameters<typeof makeSignIn>[0]) => {
      const c = describeClient(makeSignIn(changes));
      return { causeLabel: c.causeLabel, why: c.why, remediation: c.remediation.join(" ") };
    };
    expect(words(device("Edge 121.0"))).toEqual({
      causeLabel: "Edge not signed in to the work profile, or InPrivate",
      why: expect.stringContaining("not in an InPrivate window or with cookies disabled"),
      remediation: expect.stringContaining("Edge › Profile › Sign in"),
    });
    expect(words(device("IE 11.0"))).toEqual({
      causeLabel: "Internet Explorer",
      why: expect.stringContaining("Internet Explorer is out of support"),
      remediation: "Use Microsoft Edge (IE mode for sites that need it).",
    });
    expect(words(device("Opera 106.0"))).toEqual({
      causeLabel: "Opera cannot present the device",
      why: expect.stringMatching(/^Opera is not one of the browsers that pass device identity/),
      remediation: expect.stringContaining("Firefox 91+ with Windows single sign-on enabled"),
    });
    expect(words(device(null))).toEqual({
      causeLabel: "Client presented no device",
      why: expect.stringContaining("names neither the browser nor a known client app"),
      remediation: expect.stringContaining("Ask the user which browser or app they used"),
    });
    expect(words({ ...device("Chrome 122.0", "Linux 6.5") })).toEqual({
      causeLabel: "Sign-in from Linux",
      why: "The sign-in came from Linux (Chrome 122.0 on Linux 6.5), not from the user's Windows machine: the Windows device's registration plays no part in it.",
      remediation: expect.stringMatching(/^If Linux devices should have access, register and enrol them/),
    });
    expect(words({ clientAppUsed: "Mobile Apps and Desktop clients", appDisplayName: null })).toEqual({
      causeLabel: "Desktop app that does not use the Windows broker",
      why: expect.stringMatching(/^The app signed in as a desktop client \(Chrome 122.0.0 on Windows10\) without the Windows broker/),
      remediation: expect.stringMatching(/^Update The app to a version that signs in through the Windows broker/),
    });
  });
});
