/**
 * Application Proxy diagnostics: what the parsers read from the admin's files and what the rules say about them.
 * Findings use the rules' shape (lib/rules/types.ts): {rule, severity, title, explanation, evidence, remediation}.
 */
import type { Finding } from "@/lib/rules/types";

export type { Finding };

/** The formats `readProxyFile` accepts. */
export type ProxyFileKind = "connector-trace" | "event-log-xml" | "event-log-csv" | "har" | "saz";

export const PROXY_FILE_KIND_LABEL: Record<ProxyFileKind, string> = {
  "connector-trace": "Connector trace log",
  "event-log-xml": "Connector Admin event log (XML)",
  "event-log-csv": "Connector Admin event log (CSV)",
  har: "Browser session (HAR)",
  saz: "Fiddler session archive (SAZ)",
};

/** What a connector trace line or Admin event says happened, as the rules classify it. */
export type ConnectorEventKind =
  | "tls-name-mismatch"
  | "tls-untrusted-issuer"
  | "tls-expired"
  | "tls-failed"
  | "websocket-failed"
  | "backend-timeout"
  | "backend-unreachable"
  | "dns-failure"
  | "kerberos"
  | "config-download-failed"
  | "service-unreachable"
  | "other-error"
  | "info";

/** One thing the connector wrote: a trace entry (with its continuation lines) or an Admin event. */
export interface ConnectorEvent {
  origin: "trace" | "event-log";
  file: string;
  /** "line 12" for a trace, "event 3 (line 40)" for an event log. */
  where: string;
  /** Milliseconds since the epoch, or null when the entry carries no time. */
  time: number | null;
  level: "error" | "warning" | "info" | "verbose";
  eventId: number | null;
  transactionId: string | null;
  /** The back-end URL the entry names, if any. */
  url: string | null;
  kind: ConnectorEventKind;
  /** The entry's text, cut to 600 characters. */
  message: string;
  /** Facts the message states: the certificate's subject or names, the chain status, the timeout… */
  details: Record<string, string>;
}

/** One request of a captured browser session (HAR entry or SAZ session). */
export interface HttpExchange {
  file: string;
  /** "entries[3]" for a HAR, "session 7" for a SAZ. */
  where: string;
  time: number | null;
  method: string;
  url: string;
  status: number;
  statusText: string;
  /** Lower-cased header names; repeated headers joined with ", ". */
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  /** The first 4 KB of the response body when it is text (the App Proxy error page says what failed). */
  bodySnippet: string;
  durationMs: number | null;
}

/** What a file held, as the page and `--format json` list it. */
export interface ProxyFileSummary {
  name: string;
  kind: ProxyFileKind;
  bytes: number;
  /** Trace entries, events or HTTP exchanges read. */
  records: number;
  /** Of those, the failures: error entries, error events, HTTP 4xx/5xx. */
  failures: number;
  /** First and last time in the file (ISO), when it has times. */
  from: string | null;
  to: string | null;
  warnings: string[];
}

export interface ProxyFileRead {
  summary: ProxyFileSummary;
  connectorEvents: ConnectorEvent[];
  exchanges: HttpExchange[];
}

/** A file that is not one of the accepted formats, or is malformed, truncated or binary. */
export class ProxyInputError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}
