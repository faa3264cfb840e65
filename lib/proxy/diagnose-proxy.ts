/**
 * Pairs the browser's failing requests with what the connector wrote, by transaction id, then URL path and time,
 * and explains each failure with its evidence and fix (pure: files in, findings out). What each rule checks and its
 * Microsoft source: docs/domain.md#application-proxy-diagnostics.
 */
import type { Evidence, Finding } from "@/lib/rules/types";
import { compareSeverity, type Severity } from "@/lib/rules/severity";
import { isUpgrade } from "./exchange-helpers";
import { iso } from "./parse-time";
import { TRACE_STEPS } from "./tracing-help";
import type { ConnectorEvent, ConnectorEventKind, HttpExchange, ProxyFileRead, ProxyFileSummary } from "./types";
import { findTransactionId } from "./classify-connector-message";

/** A connector entry and a request are the same request when their times are this close and their paths match. */
export const PAIR_WINDOW_MS = 120_000;
const MAX_EVIDENCE_PER_SIDE = 3;

export interface ProxyDiagnosis {
  files: ProxyFileSummary[];
  findings: Finding[];
}

interface Pair {
  exchange: HttpExchange;
  by: "transaction id" | "URL and time" | "time";
}

function pathOf(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url.replace(/^ws/i, "http"));
    return `${u.pathname}${u.search}`.toLowerCase();
  } catch {
    return null;
  }
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url.replace(/^ws/i, "http")).hostname;
  } catch {
    return null;
  }
}

/** The App Proxy transaction id of a failed request: its error page's "Transaction ID", or a header that names one. */
export function exchangeTransactionId(x: HttpExchange): string | null {
  for (const [k, v] of Object.entries(x.responseHeaders)) if (k.includes("transaction")) return findTransactionId(`transaction ${v}`);
  return findTransactionId(x.bodySnippet.replace(/<[^>]*>/g, " "));
}

/** True when the response is the App Proxy service's own error (504 GatewayTimeout or its error page), not the app's. */
function isGatewayTimeout(x: HttpExchange): boolean {
  return x.status === 504 || /GatewayTimeout|Gateway Time-?out|connector (did not respond|timed out)/i.test(`${x.statusText} ${x.bodySnippet}`);
}

function pairFor(event: ConnectorEvent, exchanges: HttpExchange[]): Pair[] {
  const out: Pair[] = [];
  const path = pathOf(event.url);
  for (const x of exchanges) {
    const tx = exchangeTransactionId(x);
    if (tx && event.transactionId && tx === event.transactionId) {
      out.push({ exchange: x, by: "transaction id" });
      continue;
    }
    if (tx && event.transactionId) continue;
    const close = event.time !== null && x.time !== null && Math.abs(event.time - x.time) <= PAIR_WINDOW_MS;
    if (!close) continue;
    if (path && pathOf(x.url) === path) out.push({ exchange: x, by: "URL and time" });
    else if (!path && Math.abs(event.time! - x.time!) <= 5_000) out.push({ exchange: x, by: "time" });
  }
  return out;
}

function exchangeEvidence(p: Pair): Evidence[] {
  const x = p.exchange;
  const source = `${x.file} · ${x.where}`;
  const out: Evidence[] = [
    { source, field: "Request", value: `${x.method} ${x.url}${isUpgrade(x) ? " (Upgrade: websocket)" : ""}` },
    { source, field: "Status", value: `${x.status} ${x.statusText}`.trim() },
  ];
  const tx = exchangeTransactionId(x);
  if (tx) out.push({ source, field: "Transaction ID", value: tx });
  out.push({ source, field: "Paired by", value: `${p.by}${x.time !== null ? ` · ${iso(x.time)}` : ""}` });
  return out;
}

function eventEvidence(e: ConnectorEvent): Evidence[] {
  const source = `${e.file} · ${e.where}`;
  const out: Evidence[] = [{ source, field: e.origin === "event-log" ? `Event ${e.eventId}` : "Trace", value: e.message }];
  for (const [k, v] of Object.entries(e.details)) out.push({ source, field: DETAIL_LABEL[k] ?? k, value: v });
  return out;
}

const DETAIL_LABEL: Record<string, string> = {
  certificateSubject: "Certificate subject",
  certificateNames: "Certificate names (SAN)",
  sslPolicyErrors: "SslPolicyErrors",
  chainStatus: "Chain status",
  certificateNotAfter: "Certificate valid until",
  requestedHost: "Host name requested",
};

/** The first DNS name on the back end's certificate, from its SAN list or subject CN. */
function certificateName(e: ConnectorEvent): string | null {
  const san = e.details.certificateNames?.split(/[,\s]+/).find((n) => /^[a-z0-9*.-]+$/i.test(n) && n.includes("."));
  if (san) return san;
  const cn = /CN=([^,;\s]+)/i.exec(e.details.certificateSubject ?? "");
  return cn ? cn[1]! : null;
}

interface RuleText {
  rule: string;
  severity: Severity;
  title: (host: string, e: ConnectorEvent, ws: boolean) => string;
  explanation: (host: string, e: ConnectorEvent) => string;
  remediation: (host: string, e: ConnectorEvent, ws: boolean) => string[];
}

const TEST_FROM_CONNECTOR = (host: string, e?: ConnectorEvent) =>
  `On a connector server of the app's connector group, open the internal URL (${internalOrigin(host, e)}) in a browser: the same error there proves it is between the connector and the back end, not in Entra ID.`;

function internalOrigin(host: string, e?: ConnectorEvent): string {
  try {
    return `${new URL((e?.url ?? "").replace(/^ws/i, "http")).origin}/`;
  } catch {
    return `https://${host}/`;
  }
}

function renamedInternalUrl(e: ConnectorEvent, name: string): string {
  try {
    const u = new URL((e.url ?? "").replace(/^ws/i, "http"));
    u.hostname = name;
    return `${u.protocol}//${u.host}/`;
  } catch {
    return `https://${name}/`;
  }
}

const RULES: Record<Exclude<ConnectorEventKind, "info">, RuleText> = {
  "tls-name-mismatch": {
    rule: "proxy-backend-cert-name-mismatch",
    severity: "high",
    title: (host, e, ws) =>
      `${ws ? "WebSocket upgrade times out (504): " : ""}the back end's certificate is not issued to "${host}"${certificateName(e) ? ` but to "${certificateName(e)}"` : ""}`,
    explanation: (host) =>
      `The connector opens TLS to the application's internal URL host "${host}", and the back end presents a certificate whose subject and SAN do not contain that name, so .NET rejects it ("Could not establish trust relationship for the SSL/TLS secure channel … The remote certificate is invalid according to the validation procedure"). Nothing reaches the back end and the connector never answers the App Proxy service in time: the browser sees 504 GatewayTimeout.`,
    remediation: (host, e, ws) => {
      const name = certificateName(e);
      return [
        TEST_FROM_CONNECTOR(host, e),
        name
          ? `Change the application's Internal URL (Entra admin center > Enterprise applications > the app > Application proxy) from ${renamedInternalUrl(e, host)} to ${renamedInternalUrl(e, name)}, the name on the certificate, and check that the connector servers resolve ${name} (Resolve-DnsName ${name}).`
          : `Change the application's Internal URL to the host name on the back end's certificate (its subject or a SAN entry), and check that the connector servers resolve it.`,
        `Or reissue the back end's certificate with "${host}" in its Subject Alternative Name, from a CA the connector servers trust, and bind it to the site.`,
        ...(ws ? ["WebSockets also need every connector in the group at version 1.5.612.0 or later; check the group's connectors after the fix."] : []),
      ];
    },
  },
  "tls-untrusted-issuer": {
    rule: "proxy-backend-cert-untrusted",
    severity: "high",
    title: (host) => `The connector does not trust the issuer of "${host}"'s certificate`,
    explanation: (host) =>
      `TLS from the connector to "${host}" fails because the back end's certificate chain does not end at a root the connector server trusts (UntrustedRoot or PartialChain). The connector drops the request and the browser gets a gateway error.`,
    remediation: (host, e) => [
      TEST_FROM_CONNECTOR(host, e),
      "Import the issuing CA's root (and intermediates) into the connector servers' Local Computer > Trusted Root (and Intermediate) Certification Authorities store, or have the back end send its full chain.",
      "Or reissue the back end's certificate from a CA the connector servers already trust.",
    ],
  },
  "tls-expired": {
    rule: "proxy-backend-cert-expired",
    severity: "high",
    title: (host, e) => `The certificate of "${host}" has expired${e.details.certificateNotAfter ? ` (valid until ${e.details.certificateNotAfter})` : ""}`,
    explanation: (host) =>
      `The connector rejects the back end's certificate for "${host}" because it is outside its validity period (NotTimeValid), so the request never reaches the application.`,
    remediation: (host, e) => [
      TEST_FROM_CONNECTOR(host, e),
      "Renew the back end's certificate and bind the new one to the site; check the connector servers' clock if the certificate is in fact valid.",
    ],
  },
  "tls-failed": {
    rule: "proxy-backend-tls-failed",
    severity: "high",
    title: (host) => `TLS from the connector to "${host}" fails`,
    explanation: () =>
      "The connector could not establish a trusted TLS channel to the back end; the trace does not say whether the name, the issuer or the validity failed. Verbose tracing prints SslPolicyErrors and the chain status.",
    remediation: (host, e) => [
      TEST_FROM_CONNECTOR(host, e),
      "Look at the certificate the browser on the connector shows: its names, its issuer and its dates; fix the one that fails.",
    ],
  },
  "websocket-failed": {
    rule: "proxy-websocket-upgrade-failed",
    severity: "high",
    title: (host) => `The WebSocket upgrade to "${host}" fails at the connector`,
    explanation: () =>
      "The connector could not complete the WebSocket upgrade with the back end. App Proxy supports WebSockets only when every connector of the app's group runs 1.5.612.0 or later, and the back end must answer the upgrade itself.",
    remediation: (host, e) => [
      "Check the version of every connector in the app's connector group (the connectors' state below, or Entra admin center > Private network connectors) and update those older than 1.5.612.0.",
      TEST_FROM_CONNECTOR(host, e),
    ],
  },
  "backend-timeout": {
    rule: "proxy-backend-timeout",
    severity: "medium",
    title: (host) => `"${host}" answers slower than the Backend Application Timeout`,
    explanation: () =>
      "The connector waited for the back end longer than the application's Backend Application Timeout (85 seconds by default, 180 on Long) and gave up, so the browser got a gateway timeout.",
    remediation: (host, e) => [
      "In the app's Application proxy settings, set Backend Application Timeout to Long (180 seconds) if the back end is legitimately slow.",
      TEST_FROM_CONNECTOR(host, e),
    ],
  },
  "backend-unreachable": {
    rule: "proxy-backend-unreachable",
    severity: "high",
    title: (host) => `The connector cannot connect to "${host}"`,
    explanation: () =>
      "The back end refused or did not accept the connector's TCP connection (service down, wrong port, or a firewall between the connector and the server).",
    remediation: (host) => [
      `From the connector server: Test-NetConnection ${host} -Port <the internal URL's port>.`,
      "Check the Internal URL's port, the back end's service, and firewalls between the connector and the server.",
    ],
  },
  "dns-failure": {
    rule: "proxy-backend-dns-failure",
    severity: "high",
    title: (host) => `The connector cannot resolve "${host}"`,
    explanation: () => "The internal URL's host name does not resolve from the connector server, so the connector cannot reach the application.",
    remediation: (host) => [
      `From the connector server: Resolve-DnsName ${host}.`,
      "Use a name the connector servers resolve (usually the FQDN) in the Internal URL, or add the record to the DNS they use.",
    ],
  },
  kerberos: {
    rule: "proxy-kerberos-sso-failed",
    severity: "high",
    title: (_host, e) => `Kerberos single sign-on to the back end fails (event ${e.eventId})`,
    explanation: () =>
      "The connector could not get or use a Kerberos ticket on the user's behalf (KCD): the SPN, the delegation settings or the clocks disagree.",
    remediation: () => [
      "Check the app's internal application SPN against the back end's SPN (setspn -Q), and the connector computer account's delegation to that SPN in Active Directory.",
      "Check that the connector servers, the domain controllers and the back end agree on the time.",
    ],
  },
  "config-download-failed": {
    rule: "proxy-connector-certificate-expired",
    severity: "high",
    title: () => "The connector failed to download its configuration",
    explanation: () =>
      "The connector's client certificate, used to authenticate to the service, has expired (typical behind an outbound proxy), so the connector serves no apps.",
    remediation: () => [
      "Renew the connector's trust with Register-MicrosoftEntraPrivateNetworkConnector (Register-AppProxyConnector on older connectors).",
      "Let the Network Service and Local System accounts through the outbound proxy, or bypass it for the connector.",
    ],
  },
  "service-unreachable": {
    rule: "proxy-connector-service-unreachable",
    severity: "high",
    title: () => "The connector cannot reach the App Proxy service",
    explanation: () => "A firewall or TLS inspection blocks the connector's outbound connection to the service, so requests for its apps time out (504).",
    remediation: () => ["Open the ports and URLs the connector needs (outbound 80 and 443) and exempt its traffic from TLS inspection."],
  },
  "other-error": {
    rule: "proxy-connector-error",
    severity: "low",
    title: (host) => `The connector logged an error${host !== "?" ? ` for "${host}"` : ""}`,
    explanation: () => "An error JoinScope does not classify; the evidence quotes it.",
    remediation: () => ["Read the quoted entry; search its message in Microsoft's Application Proxy troubleshooting pages."],
  },
};

export function diagnoseProxy(reads: ProxyFileRead[]): ProxyDiagnosis {
  const files = reads.map((r) => r.summary);
  const events = reads.flatMap((r) => r.connectorEvents);
  const exchanges = reads.flatMap((r) => r.exchanges);
  const haveConnectorFiles = files.some((f) => f.kind === "connector-trace" || f.kind.startsWith("event-log"));
  const haveTrace = files.some((f) => f.kind === "connector-trace");
  const haveSession = files.some((f) => f.kind === "har" || f.kind === "saz");
  const findings: Finding[] = [];
  const explained = new Set<HttpExchange>();

  const groups = new Map<string, ConnectorEvent[]>();
  // An unclassified entry of a transaction whose failure another entry names (the "request failed" after the TLS
  // exception) adds nothing.
  const classified = new Set(events.filter((e) => e.kind !== "other-error" && e.transactionId).map((e) => e.transactionId));
  for (const e of events) {
    if (e.kind === "info") continue;
    if (e.kind === "other-error" && e.transactionId && classified.has(e.transactionId)) continue;
    const key = `${e.kind}|${hostOf(e.url) ?? "?"}|${e.kind === "kerberos" ? e.eventId : ""}`;
    const list = groups.get(key) ?? [];
    list.push(e);
    groups.set(key, list);
  }
  for (const [key, list] of groups) {
    const kind = key.split("|")[0] as Exclude<ConnectorEventKind, "info">;
    const host = key.split("|")[1]!;
    const text = RULES[kind];
    const pairs = list.flatMap((e) => pairFor(e, exchanges));
    const seen = new Set<HttpExchange>();
    const uniquePairs = pairs.filter((p) => !seen.has(p.exchange) && seen.add(p.exchange));
    for (const p of uniquePairs) explained.add(p.exchange);
    const ws = uniquePairs.some((p) => isUpgrade(p.exchange)) || list.some((e) => /websocket/i.test(e.message));
    const e = list.find((x) => Object.keys(x.details).length > 0) ?? list[0]!;
    const evidence = [
      ...uniquePairs.slice(0, MAX_EVIDENCE_PER_SIDE).flatMap(exchangeEvidence),
      ...[e, ...list.filter((x) => x !== e)].slice(0, MAX_EVIDENCE_PER_SIDE).flatMap(eventEvidence),
    ];
    const counts = `${list.length} connector ${list.length === 1 ? "entry" : "entries"}${uniquePairs.length ? `, ${uniquePairs.length} failed browser ${uniquePairs.length === 1 ? "request" : "requests"}` : ""}`;
    findings.push({
      rule: text.rule,
      severity: text.severity,
      title: text.title(host, e, ws),
      explanation: `${text.explanation(host, e)} (${counts}.)`,
      evidence,
      remediation: text.remediation(host, e, ws),
    });
  }

  const unexplained = exchanges.filter((x) => !explained.has(x) && (x.status >= 500 || x.status === 0));
  const timeouts = unexplained.filter(isGatewayTimeout);
  if (timeouts.length > 0) {
    const sample = timeouts
      .slice(0, MAX_EVIDENCE_PER_SIDE)
      .flatMap((x) => exchangeEvidence({ exchange: x, by: "time" }).filter((ev) => ev.field !== "Paired by"));
    const ws = timeouts.some(isUpgrade);
    if (!haveConnectorFiles) {
      findings.push({
        rule: "proxy-connector-trace-needed",
        severity: "medium",
        title: `${timeouts.length} ${timeouts.length === 1 ? "request" : "requests"} timed out at the proxy (504 GatewayTimeout${ws ? ", WebSocket upgrade" : ""}); the connector's trace will say why`,
        explanation:
          "A gateway timeout means the App Proxy service got no answer from a connector in time: no working connector in the app's group, blocked ports, or a connector that failed to reach the back end (a TLS, DNS or timeout error only its trace shows). Without the connector's verbose trace JoinScope cannot tell which.",
        evidence: sample,
        remediation: TRACE_STEPS,
      });
    } else {
      findings.push({
        rule: "proxy-gateway-timeout-no-connector-error",
        severity: "medium",
        title: `${timeouts.length} ${timeouts.length === 1 ? "request" : "requests"} timed out at the proxy and no connector entry explains ${timeouts.length === 1 ? "it" : "them"}`,
        explanation:
          "The connector files have no error for these requests (by transaction id, URL or time). Then the service likely never reached a connector: the app's connector group has no active connector, or the connector's outbound ports are blocked.",
        evidence: sample,
        remediation: [
          "Check that the app's connector group has an active connector (the connectors' state below, or Entra admin center > Private network connectors).",
          "On each connector server, check that the Microsoft Entra private network connector service runs and that outbound 80 and 443 are open.",
          ...(haveTrace ? [] : ["Add the connector's verbose trace: the Admin log alone does not log each request.", ...TRACE_STEPS]),
        ],
      });
    }
  }
  const otherServerErrors = unexplained.filter((x) => !isGatewayTimeout(x));
  if (otherServerErrors.length > 0) {
    findings.push({
      rule: "proxy-request-failed",
      severity: "low",
      title: `${otherServerErrors.length} more failed ${otherServerErrors.length === 1 ? "request" : "requests"} (${[...new Set(otherServerErrors.map((x) => x.status))].join(", ")})`,
      explanation:
        "Server errors that no connector entry explains; 502 Bad Gateway means the connector could not reach the back end, other statuses come from the application itself.",
      evidence: otherServerErrors
        .slice(0, MAX_EVIDENCE_PER_SIDE)
        .flatMap((x) => exchangeEvidence({ exchange: x, by: "time" }).filter((ev) => ev.field !== "Paired by")),
      remediation: ["Open the same URL on the corporate network: if it fails there too, the problem is the application, not App Proxy."],
    });
  }
  if (haveSession && !haveConnectorFiles && timeouts.length === 0) {
    findings.push({
      rule: "proxy-session-only",
      severity: "info",
      title: "Only a browser session was given",
      explanation: "No request in it timed out at the proxy. To explain a failure seen elsewhere, add the connector's trace and Admin log from the same time.",
      evidence: [],
      remediation: TRACE_STEPS,
    });
  }
  if (findings.length === 0) {
    findings.push({
      rule: "proxy-no-failure",
      severity: "info",
      title: "No failure in these files",
      explanation: `${files.map((f) => `${f.name}: ${f.records} ${f.kind === "har" || f.kind === "saz" ? "requests" : "entries"}`).join("; ")}; none failed in a way App Proxy explains.`,
      evidence: [],
      remediation: [],
    });
  }
  findings.sort((a, b) => compareSeverity(a.severity, b.severity));
  return { files, findings };
}
