import { SIGN_IN_SOURCE } from "@/lib/rules/signin/device-requirement";
import type { SignInEvent } from "@/lib/rules/signin/sign-in-subject";
import type { Evidence } from "@/lib/rules/types";

/**
 * Which client made a sign-in that presented no device, and why such a client presents none. Microsoft lists the
 * browsers that can pass device identity to Conditional Access on Windows 10 and later: Microsoft Edge (signed in to a
 * profile with the work account), Chrome with the Microsoft Single Sign On (formerly Windows Accounts) extension or the
 * CloudAPAuthEnabled policy (Chrome 111+), Firefox 91+ with "Allow Windows single sign-on for Microsoft, work, and
 * school accounts"; none in a private window or with cookies disabled; legacy authentication never passes device state
 * (https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-conditions, "Supported
 * browsers", "Chrome support", "Client apps"). Desktop apps present the device through the Windows broker (WAM); one
 * with an embedded browser fails a compliant-device policy
 * (https://learn.microsoft.com/entra/msal/dotnet/resources/known-issues, "Device Compliance failures on Windows 10").
 * docs/domain.md, "Sign-ins blocked for their device".
 */
export type ClientKind = "edge" | "chrome" | "firefox" | "ie" | "other-browser" | "desktop-app" | "legacy-auth" | "other-platform" | "unknown";

export type ClientPlatform = "windows" | "macos" | "ios" | "android" | "linux" | "other" | null;

export interface ClientDescription {
  kind: ClientKind;
  platform: ClientPlatform;
  /** "Chrome 122.0.0 on Windows 10" */
  label: string;
  /** The browser's name and major version when the log gives them. */
  browser: { name: string; major: number | null } | null;
  /** Groups sign-ins in the Sign-ins view: "Chrome without the Microsoft Single Sign On extension". */
  causeLabel: string;
  /** Why this client presented no device, in a sentence or two. */
  why: string;
  remediation: string[];
  evidence: Evidence[];
}

/** Legacy authentication protocols, as the log's clientAppUsed names them. */
const LEGACY_CLIENTS =
  /^(exchange activesync|other clients|imap4?|pop3?|smtp|authenticated smtp|mapi over http|exchange web services|offline address book|outlook anywhere|reporting web services|autodiscover|exchange online powershell|universal outlook)/i;

const CHROME_EXTENSION_ID = "ppnbnpeolgkicgegkbkbjmhlideopiji";

export function platformOf(operatingSystem: string | null | undefined): ClientPlatform {
  const os = operatingSystem?.trim().toLowerCase() ?? "";
  if (!os) return null;
  if (os.startsWith("windows") && !os.startsWith("windows phone")) return "windows";
  if (os.startsWith("mac")) return "macos";
  if (os.startsWith("ios") || os.startsWith("ipad")) return "ios";
  if (os.startsWith("android")) return "android";
  if (os.startsWith("linux") || os.startsWith("ubuntu")) return "linux";
  return "other";
}

const PLATFORM_NAMES: Record<Exclude<ClientPlatform, null | "windows">, string> = {
  macos: "macOS",
  ios: "iOS",
  android: "Android",
  linux: "Linux",
  other: "another platform",
};

function parseBrowser(browser: string | null): { name: string; major: number | null } | null {
  const m = /^\s*([A-Za-z][A-Za-z ]*?)\s*(\d+)?(?:\.[\d.]*)?\s*$/.exec(browser ?? "");
  if (!m) return null;
  return { name: m[1]!.trim(), major: m[2] ? Number(m[2]) : null };
}

export function describeClient(signIn: SignInEvent): ClientDescription {
  const { device } = signIn;
  const platform = platformOf(device.operatingSystem);
  const browser = parseBrowser(device.browser);
  const app = signIn.clientAppUsed?.trim() ?? "";
  const evidence: Evidence[] = [
    { source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "deviceId", value: device.deviceId ?? "(empty)" },
    ...(device.browser ? [{ source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "browser", value: device.browser }] : []),
    ...(device.operatingSystem ? [{ source: `${SIGN_IN_SOURCE} · deviceDetail`, field: "operatingSystem", value: device.operatingSystem }] : []),
    ...(app ? [{ source: SIGN_IN_SOURCE, field: "clientAppUsed", value: app }] : []),
  ];
  const on = device.operatingSystem ? ` on ${device.operatingSystem}` : "";
  const label = `${device.browser ?? (app || "an unknown client")}${on}`;
  const base = { platform, label, browser, evidence };

  if (LEGACY_CLIENTS.test(app)) {
    return {
      ...base,
      kind: "legacy-auth",
      causeLabel: `Legacy authentication (${app})`,
      why: `${app} is legacy authentication: it sends no device state, so a device policy always blocks it.`,
      remediation: [
        `Move the client off ${app} to modern authentication (Outlook, or a client that signs in through Microsoft Entra ID), and block legacy authentication with Conditional Access once nothing needs it.`,
      ],
    };
  }
  if (platform !== null && platform !== "windows") {
    const name = PLATFORM_NAMES[platform];
    return {
      ...base,
      kind: "other-platform",
      causeLabel: `Sign-in from ${name}`,
      why: `The sign-in came from ${name} (${label}), not from the user's Windows machine: the Windows device's registration plays no part in it.`,
      remediation: [
        `If ${name} devices should have access, register and enrol them (Intune Company Portal or the Microsoft Enterprise SSO plug-in on Apple devices, Company Portal or Microsoft Authenticator on Android) and sign in from Microsoft Edge or the platform's supported browser; otherwise the block is the policy doing its job.`,
      ],
    };
  }
  const desktopApp = /^mobile apps and desktop clients$/i.test(app) || (browser !== null && /^rich client$/i.test(browser.name));
  if (desktopApp) {
    const appName = signIn.appDisplayName ?? "The app";
    return {
      ...base,
      kind: "desktop-app",
      causeLabel: "Desktop app that does not use the Windows broker",
      why: `${appName} signed in as a desktop client (${label}) without the Windows broker (WAM), so the PRT and its device claim were not used: an embedded browser or an old authentication library does this.`,
      remediation: [
        `Update ${appName} to a version that signs in through the Windows broker (MSAL with WAM); Microsoft 365 Apps do this when Windows is signed in with the work account. Until then, use the app's web version in Microsoft Edge.`,
      ],
    };
  }
  if (browser === null) {
    return {
      ...base,
      kind: "unknown",
      causeLabel: "Client presented no device",
      why: "The log names neither the browser nor a known client app, so JoinScope cannot tell which client presented no device.",
      remediation: ["Ask the user which browser or app they used, and check it against Microsoft's supported browsers for device-based Conditional Access."],
    };
  }
  const name = browser?.name.toLowerCase() ?? "";
  if (name === "chrome") {
    const cloudAp = browser?.major !== null && browser!.major! >= 111;
    return {
      ...base,
      kind: "chrome",
      causeLabel: "Chrome without the Microsoft Single Sign On extension",
      why: `Chrome on Windows presents the device only with the Microsoft Single Sign On extension (formerly Windows Accounts)${cloudAp ? " or the CloudAPAuthEnabled policy" : ""}, and not in an Incognito window unless the extension is allowed there.`,
      remediation: [
        `Deploy the Microsoft Single Sign On extension to Chrome: policy ExtensionInstallForcelist (HKLM\\Software\\Policies\\Google\\Chrome\\ExtensionInstallForcelist) with \`${CHROME_EXTENSION_ID};https://clients2.google.com/service/update2/crx\`${cloudAp ? ", or set the CloudAPAuthEnabled policy to 1 (HKLM\\Software\\Policies\\Google\\Chrome, DWORD, Chrome 111 and later)" : ""}.`,
        "Tell users that an Incognito window presents no device unless the extension is allowed in Incognito; sign in again in a normal window.",
      ],
    };
  }
  if (name === "firefox") {
    const old = browser?.major !== null && browser!.major! < 91;
    return {
      ...base,
      kind: "firefox",
      causeLabel: "Firefox without Windows single sign-on",
      why: old
        ? `Firefox ${browser!.major} is older than 91, the first version that can present the device.`
        : 'Firefox presents the device only with "Allow Windows single sign-on for Microsoft, work, and school accounts" enabled, and not in a private window.',
      remediation: [
        ...(old ? ["Update Firefox to version 91 or later."] : []),
        'Enable Windows single sign-on in Firefox: Settings › Privacy & Security › "Allow Windows single sign-on for Microsoft, work, and school accounts", or deploy the WindowsSSO enterprise policy (network.http.windows-sso.enabled). A private window still presents no device.',
      ],
    };
  }
  if (name === "edge") {
    return {
      ...base,
      kind: "edge",
      causeLabel: "Edge not signed in to the work profile, or InPrivate",
      why: "Microsoft Edge 85 and later presents the device only when its profile is signed in with the work account (in a hybrid join this does not always happen by itself), and not in an InPrivate window or with cookies disabled.",
      remediation: [
        "Have the user sign in to the Edge profile with the work account (Edge › Profile › Sign in), or configure Edge's implicit sign-in for the work account, and retry in a normal window.",
      ],
    };
  }
  if (name === "ie") {
    return {
      ...base,
      kind: "ie",
      causeLabel: "Internet Explorer",
      why: "Internet Explorer is out of support and is no longer on Microsoft's list of browsers that pass device identity on Windows 10 and later.",
      remediation: ["Use Microsoft Edge (IE mode for sites that need it)."],
    };
  }
  return {
    ...base,
    kind: "other-browser",
    causeLabel: `${browser?.name ?? "A browser"} cannot present the device`,
    why: `${browser?.name ?? "This browser"} is not one of the browsers that pass device identity to Conditional Access on Windows (Microsoft Edge, Chrome with the extension, Firefox 91+ with Windows single sign-on).`,
    remediation: ["Use Microsoft Edge, Chrome with the Microsoft Single Sign On extension, or Firefox 91+ with Windows single sign-on enabled."],
  };
}

/** The sign-in's fields describeClient reads; null kept apart from "" (a browser of "" is named, a null one is not). */
function clientKey(signIn: SignInEvent): string {
  const { device } = signIn;
  return [device.deviceId, device.browser, device.operatingSystem, signIn.clientAppUsed, signIn.appDisplayName].map((v) => v ?? "\u0001").join("\u0000");
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const SHARED_CLIENTS_MAX = 4096;
const sharedClients = new Map<string, ClientDescription>();

/**
 * describeClient for a run over many sign-ins (the pull, a rejoin): a tenant's clients repeat (a few browsers,
 * platforms and apps, most sign-ins presenting no deviceId), so each distinct one is described once and the
 * description shared (bench/RESULTS.md, signins1m: describeClient was a third of the rules' time). Shared, hence
 * frozen: a rule that changed one sign-in's description would change every other's. Bounded: emptied when full.
 */
export function describeClientShared(signIn: SignInEvent): ClientDescription {
  const key = clientKey(signIn);
  const held = sharedClients.get(key);
  if (held) return held;
  if (sharedClients.size >= SHARED_CLIENTS_MAX) sharedClients.clear();
  const described = deepFreeze(describeClient(signIn));
  sharedClients.set(key, described);
  return described;
}
