/**
 * Renders `dsregcmd /status` output the way Windows 11 23H2 prints it (docs/domain.md, *Reading `dsregcmd /status`*):
 * boxed headers of `+` + 70 dashes + `+`, `Key : Value` lines with keys right-aligned to column 27,
 * blank lines between sections, CRLF endings, and the closing aadjerrors line.
 * The input is semantic (joined? PRT? diagnostics?) so scenarios read like what an admin would see.
 */

export interface DsregcmdPrtDiagnostics {
  /** `AcquirePrtDiagnostics` (no PRT yet) or `RefreshPrtDiagnostics` (renewal failed). */
  kind: "acquire" | "refresh";
  previousAttempt: Date;
  /** e.g. 0xc000006d */
  attemptStatus: string;
  userIdentity: string;
  credentialType: "Password" | "NGC";
  correlationId: string;
  endpointUri: string;
  httpMethod: "POST" | "GET";
  /** WinHTTP error, `0x0` when the request reached the server. */
  httpError: string;
  httpStatus: number | null;
  serverErrorCode: string | null;
  serverErrorDescription: string | null;
}

export interface DsregcmdPreJoinDiagnostics {
  userContext: "SYSTEM" | "UN-ELEVATED User" | "ELEVATED User";
  clientTime: Date;
  adConnectivityTest: string;
  adConfigurationTest: string;
  drsDiscoveryTest: string;
  drsConnectivityTest: string;
  tokenAcquisitionTest: string;
  fallbackToSyncJoin: "ENABLED" | "DISABLED";
  previousRegistration: Date | null;
  registrationType: "sync" | "fallback_sync" | null;
  errorPhase: "pre-check" | "discover" | "auth" | "join" | null;
  clientErrorCode: string | null;
  serverErrorCode: string | null;
  serverMessage: string | null;
  httpsStatus: number | null;
  requestId: string | null;
}

export interface DsregcmdWorkAccount {
  workplaceDeviceId: string;
  workplaceThumbprint: string;
  certValidFrom: Date;
  certValidTo: Date;
  keyContainerId: string;
  keyProvider: string;
  tpmProtected: boolean;
  workplaceTenantId: string;
  workplaceTenantName: string;
  workplaceMdmUrl: string;
  workplaceSettingsUrl: string;
  ngcSet: boolean;
}

export interface DsregcmdState {
  azureAdJoined: boolean;
  enterpriseJoined: boolean;
  domainJoined: boolean;
  /** NetBIOS domain, e.g. CONTOSO (only when domain joined). */
  domainName: string | null;
  virtualDesktop: "NOT SET" | "YES" | "INVALID";
  /** FQDN or host name; printed as `Device Name` on late builds. */
  deviceName: string | null;
  /** Device Details: only for joined (Entra or hybrid) devices. */
  device: {
    deviceId: string;
    /** 40 upper-case hex. */
    thumbprint: string;
    certValidFrom: Date;
    certValidTo: Date;
    keyContainerId: string;
    keyProvider: "Microsoft Platform Crypto Provider" | "Microsoft Software Key Storage Provider";
    tpmProtected: boolean;
    /** `SUCCESS`, `FAILED. Device is either disabled or deleted`, `FAILED. ERROR`. */
    deviceAuthStatus: string;
  } | null;
  /** Tenant Details: only for joined devices. */
  tenant: { tenantId: string; tenantName: string } | null;
  user: {
    ngcSet: boolean;
    ngcKeyId: string | null;
    canReset: string | null;
    workplaceJoined: boolean;
    workAccountCount: number | null;
    wamDefaultSet: boolean;
    wamDefaultAuthority: string | null;
    wamDefaultId: string | null;
    wamDefaultGuid: string | null;
  };
  sso: {
    azureAdPrt: boolean;
    prtUpdateTime: Date | null;
    prtExpiryTime: Date | null;
    /** Printed only when azureAdPrt is YES (an empty value otherwise). */
    prtAuthority: string | null;
    enterprisePrt: boolean;
    onPremTgt: boolean;
    cloudTgt: boolean;
    kerbTopLevelNames: string | null;
    diagnostics: DsregcmdPrtDiagnostics | null;
  };
  diagnostics: {
    aadRecoveryEnabled: boolean;
    /** e.g. `CONTOSO\jdoe, jdoe@contoso.com`, or `NT AUTHORITY\SYSTEM` when run as SYSTEM. */
    executingAccountName: string;
    keySignTest: string;
    preJoin: DsregcmdPreJoinDiagnostics | null;
    /** Post-join update results; null hides them. */
    postJoin: { displayNameUpdated: string; osVersionUpdated: string; hostNameUpdated: string; lastHostNameUpdate: string } | null;
  };
  workAccounts: DsregcmdWorkAccount[];
  /** `WinHttp Default Proxy Config` `Access Type`. */
  winHttpAccessType: "DIRECT" | "PROXY";
  ngcPrerequisite: {
    isDeviceJoined: boolean;
    isUserAzureAd: boolean;
    policyEnabled: boolean;
    postLogonEnabled: boolean;
    deviceEligible: boolean;
    sessionIsNotRemote: boolean;
    certEnrollment: string;
    preReqResult: "WillProvision" | "WillNotProvision";
  } | null;
}

export const DSREGCMD_RULE = `+${"-".repeat(70)}+`;
export const DSREGCMD_FOOTER = "For more information, please visit https://www.microsoft.com/aadjerrors";

/** dsregcmd time format: `2019-04-03 17:25:24.000 UTC`. */
export function formatDsregTime(date: Date): string {
  return `${date.toISOString().slice(0, 23).replace("T", " ")} UTC`;
}

const yesNo = (value: boolean): string => (value ? "YES" : "NO");

type Line = readonly [key: string, value: string] | null;

function header(name: string): string[] {
  return [DSREGCMD_RULE, `| ${name}`.padEnd(71) + "|", DSREGCMD_RULE];
}

function body(lines: Line[]): string[] {
  return lines.map((line) => (line === null ? "" : `${line[0].padStart(26)} : ${line[1]}`.trimEnd()));
}

function section(name: string, lines: Line[]): string[] {
  return [...header(name), "", ...body(lines), ""];
}

export function renderDsregcmd(state: DsregcmdState): string {
  const out: string[] = [];

  out.push(
    ...section(
      "Device State",
      (
        [
          ["AzureAdJoined", yesNo(state.azureAdJoined)],
          ["EnterpriseJoined", yesNo(state.enterpriseJoined)],
          ["DomainJoined", yesNo(state.domainJoined)],
          state.domainJoined && state.domainName ? ["DomainName", state.domainName] : null,
          ["Virtual Desktop", state.virtualDesktop],
          state.deviceName ? ["Device Name", state.deviceName] : null,
        ] satisfies Line[]
      ).filter((l) => l !== null),
    ),
  );

  if (state.device) {
    const d = state.device;
    out.push(
      ...section("Device Details", [
        ["DeviceId", d.deviceId],
        ["Thumbprint", d.thumbprint],
        ["DeviceCertificateValidity", `[ ${formatDsregTime(d.certValidFrom)} -- ${formatDsregTime(d.certValidTo)} ]`],
        ["KeyContainerId", d.keyContainerId],
        ["KeyProvider", d.keyProvider],
        ["TpmProtected", yesNo(d.tpmProtected)],
        ["DeviceAuthStatus", d.deviceAuthStatus],
      ]),
    );
  }

  if (state.tenant) {
    const { tenantId, tenantName } = state.tenant;
    const drs = "https://enterpriseregistration.windows.net";
    out.push(
      ...section("Tenant Details", [
        ["TenantName", tenantName],
        ["TenantId", tenantId],
        ["AuthCodeUrl", `https://login.microsoftonline.com/${tenantId}/oauth2/authorize`],
        ["AccessTokenUrl", `https://login.microsoftonline.com/${tenantId}/oauth2/token`],
        ["MdmUrl", "https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc"],
        ["MdmTouUrl", "https://portal.manage.microsoft.com/TermsofUse.aspx"],
        ["MdmComplianceUrl", "https://portal.manage.microsoft.com/?portalAction=Compliance"],
        ["SettingsUrl", ""],
        ["JoinSrvVersion", "2.0"],
        ["JoinSrvUrl", `${drs}/EnrollmentServer/device/`],
        ["JoinSrvId", "urn:ms-drs:enterpriseregistration.windows.net"],
        ["KeySrvVersion", "1.0"],
        ["KeySrvUrl", `${drs}/EnrollmentServer/key/`],
        ["KeySrvId", "urn:ms-drs:enterpriseregistration.windows.net"],
        ["WebAuthNSrvVersion", "1.0"],
        ["WebAuthNSrvUrl", `${drs}/webauthn/${tenantId}/`],
        ["WebAuthNSrvId", "urn:ms-drs:enterpriseregistration.windows.net"],
        ["DeviceManagementSrvVer", "1.0"],
        ["DeviceManagementSrvUrl", `${drs}/manage/${tenantId}/`],
        ["DeviceManagementSrvId", "urn:ms-drs:enterpriseregistration.windows.net"],
      ]),
    );
  }

  const u = state.user;
  const userLines: Line[] = [["NgcSet", yesNo(u.ngcSet)]];
  if (u.ngcSet && u.ngcKeyId) userLines.push(["NgcKeyId", u.ngcKeyId]);
  if (u.canReset) userLines.push(["CanReset", u.canReset]);
  userLines.push(["WorkplaceJoined", yesNo(u.workplaceJoined)]);
  if (u.workAccountCount !== null) userLines.push(["WorkAccountCount", String(u.workAccountCount)]);
  userLines.push(["WamDefaultSet", yesNo(u.wamDefaultSet)]);
  if (u.wamDefaultSet && u.wamDefaultAuthority) userLines.push(["WamDefaultAuthority", u.wamDefaultAuthority]);
  if (u.wamDefaultSet && u.wamDefaultId) userLines.push(["WamDefaultId", u.wamDefaultId]);
  if (u.wamDefaultSet && u.wamDefaultGuid) userLines.push(["WamDefaultGUID", u.wamDefaultGuid]);
  out.push(...section("User State", userLines));

  state.workAccounts.forEach((w, i) => {
    out.push(
      ...section(`Work Account ${i + 1}`, [
        ["WorkplaceDeviceId", w.workplaceDeviceId],
        ["WorkplaceThumbprint", w.workplaceThumbprint],
        ["DeviceCertificateValidity", `[ ${formatDsregTime(w.certValidFrom)} -- ${formatDsregTime(w.certValidTo)} ]`],
        ["KeyContainerId", w.keyContainerId],
        ["KeyProvider", w.keyProvider],
        ["TpmProtected", yesNo(w.tpmProtected)],
        ["WorkplaceIdp", "login.windows.net"],
        ["WorkplaceTenantId", w.workplaceTenantId],
        ["WorkplaceTenantName", w.workplaceTenantName],
        ["WorkplaceMdmUrl", w.workplaceMdmUrl],
        ["WorkplaceSettingsUrl", w.workplaceSettingsUrl],
        ["NgcSet", yesNo(w.ngcSet)],
      ]),
    );
  });

  const s = state.sso;
  const ssoLines: Line[] = [["AzureAdPrt", yesNo(s.azureAdPrt)]];
  if (s.azureAdPrt) {
    if (s.prtUpdateTime) ssoLines.push(["AzureAdPrtUpdateTime", formatDsregTime(s.prtUpdateTime)]);
    if (s.prtExpiryTime) ssoLines.push(["AzureAdPrtExpiryTime", formatDsregTime(s.prtExpiryTime)]);
  }
  ssoLines.push(["AzureAdPrtAuthority", s.azureAdPrt && s.prtAuthority ? s.prtAuthority : ""]);
  ssoLines.push(["EnterprisePrt", yesNo(s.enterprisePrt)]);
  ssoLines.push(["EnterprisePrtAuthority", ""]);
  ssoLines.push(["OnPremTgt", yesNo(s.onPremTgt)]);
  ssoLines.push(["CloudTgt", yesNo(s.cloudTgt)]);
  ssoLines.push(["KerbTopLevelNames", s.kerbTopLevelNames ?? ""]);
  if (s.diagnostics) {
    const g = s.diagnostics;
    ssoLines.push(
      null,
      [g.kind === "acquire" ? "AcquirePrtDiagnostics" : "RefreshPrtDiagnostics", "PRESENT"],
      ["Previous Prt Attempt", formatDsregTime(g.previousAttempt)],
      ["Attempt Status", g.attemptStatus],
      ["User Identity", g.userIdentity],
      ["Credential Type", g.credentialType],
      ["Correlation ID", g.correlationId],
      ["Endpoint URI", g.endpointUri],
      ["HTTP Method", g.httpMethod],
      ["HTTP Error", g.httpError],
      ["HTTP status", g.httpStatus === null ? "" : String(g.httpStatus)],
      ["Server Error Code", g.serverErrorCode ?? ""],
      ["Server Error Description", g.serverErrorDescription ?? ""],
    );
  }
  out.push(...section("SSO State", ssoLines));

  const dg = state.diagnostics;
  const diagLines: Line[] = [];
  if (dg.preJoin) {
    const p = dg.preJoin;
    diagLines.push(
      ["Diagnostics Reference", "www.microsoft.com/aadjerrors"],
      ["User Context", p.userContext],
      ["Client Time", formatDsregTime(p.clientTime)],
      ["AD Connectivity Test", p.adConnectivityTest],
      ["AD Configuration Test", p.adConfigurationTest],
      ["DRS Discovery Test", p.drsDiscoveryTest],
      ["DRS Connectivity Test", p.drsConnectivityTest],
      ["Token acquisition Test", p.tokenAcquisitionTest],
      ["Fallback to Sync-Join", p.fallbackToSyncJoin],
      null,
      ["Previous Registration", p.previousRegistration ? formatDsregTime(p.previousRegistration) : ""],
    );
    if (p.registrationType) diagLines.push(["Registration Type", p.registrationType]);
    if (p.errorPhase) diagLines.push(["Error Phase", p.errorPhase]);
    if (p.clientErrorCode) diagLines.push(["Client ErrorCode", p.clientErrorCode]);
    if (p.serverErrorCode) diagLines.push(["Server ErrorCode", p.serverErrorCode]);
    if (p.serverMessage) diagLines.push(["Server Message", p.serverMessage]);
    if (p.httpsStatus !== null) diagLines.push(["Https Status", String(p.httpsStatus)]);
    if (p.requestId) diagLines.push(["Request Id", p.requestId]);
  } else {
    diagLines.push(["AadRecoveryEnabled", yesNo(dg.aadRecoveryEnabled)], ["Executing Account Name", dg.executingAccountName], ["KeySignTest", dg.keySignTest]);
    if (dg.postJoin) {
      diagLines.push(
        null,
        ["DisplayNameUpdated", dg.postJoin.displayNameUpdated],
        ["OsVersionUpdated", dg.postJoin.osVersionUpdated],
        ["HostNameUpdated", dg.postJoin.hostNameUpdated],
        null,
        ["Last HostName Update", dg.postJoin.lastHostNameUpdate],
      );
    }
  }
  out.push(...section("Diagnostic Data", diagLines));

  out.push(
    ...section("IE Proxy Config for Current User", [
      ["Auto Detect Settings", "YES"],
      ["Auto-Configuration URL", ""],
      ["Proxy Server List", ""],
      ["Proxy Bypass List", ""],
    ]),
  );
  out.push(...section("WinHttp Default Proxy Config", [["Access Type", state.winHttpAccessType]]));

  if (state.ngcPrerequisite) {
    const n = state.ngcPrerequisite;
    out.push(
      ...section("Ngc Prerequisite Check", [
        ["IsDeviceJoined", yesNo(n.isDeviceJoined)],
        ["IsUserAzureAD", yesNo(n.isUserAzureAd)],
        ["PolicyEnabled", yesNo(n.policyEnabled)],
        ["PostLogonEnabled", yesNo(n.postLogonEnabled)],
        ["DeviceEligible", yesNo(n.deviceEligible)],
        ["SessionIsNotRemote", yesNo(n.sessionIsNotRemote)],
        ["CertEnrollment", n.certEnrollment],
        ["PreReqResult", n.preReqResult],
      ]),
    );
  }

  out.push(DSREGCMD_FOOTER, "");
  return out.join("\r\n");
}
