/**
 * The bounded shape of one file's read (ProxyFileRead) as it crosses a boundary: POST /api/v1/proxy/files answers it,
 * the Proxy page checks it, and saving a diagnosis sends the reads back to the server, which checks them again before
 * it re-runs diagnoseProxy (decision 028). Every count and string has a ceiling; `boundProxyFileRead` clips what the
 * parsers read to those ceilings, so a read the server gave always passes the check it is later held to.
 */
import { z } from "zod";
import { BODY_SNIPPET_CHARS } from "./exchange-helpers";
import { MAX_KEPT_CONNECTOR_EVENTS, MAX_KEPT_EXCHANGES } from "./limits";
import { ownString } from "./own-string";
import type { ConnectorEvent, HttpExchange, ProxyFileRead } from "./types";

/** Files diagnosed together (the page's list). */
export const PROXY_MAX_FILES = 8;
/** A URL, a header value or a detail longer than this is cut: the rules read hosts, paths and short facts. */
export const PROXY_MAX_URL_CHARS = 8 * 1024;
export const PROXY_MAX_HEADER_CHARS = 8 * 1024;
export const PROXY_MAX_HEADERS = 100;
export const PROXY_MAX_DETAIL_CHARS = 1024;
export const PROXY_MAX_MESSAGE_CHARS = 600;
export const PROXY_MAX_WARNINGS = 20;
/** The files' reads of one saved diagnosis, as JSON: more than this and the page offers the download instead. */
export const PROXY_SAVE_MAX_CHARS = 4 * 1024 * 1024;
/**
 * The body's bound in bytes: a saved diagnosis holds at most PROXY_SAVE_MAX_CHARS characters of JSON, and a character
 * takes at most 3 bytes of UTF-8 (4 for a pair of them); a little more for the title. saveProxyDiagnosis then counts
 * the characters and answers "too-large" with the page's own words.
 */
export const PROXY_SAVE_MAX_BODY_BYTES = 3 * PROXY_SAVE_MAX_CHARS + 64 * 1024;

const FILE_NAME = z.string().max(260);
const WHERE = z.string().max(200);
const TIME = z.number().finite().nullable();
const Headers = z
  .record(z.string().max(256), z.string().max(PROXY_MAX_HEADER_CHARS))
  .refine((h) => Object.keys(h).length <= PROXY_MAX_HEADERS, `at most ${PROXY_MAX_HEADERS} headers`);

const ConnectorEventSchema = z.strictObject({
  origin: z.enum(["trace", "event-log"]),
  file: FILE_NAME,
  where: WHERE,
  time: TIME,
  level: z.enum(["error", "warning", "info", "verbose"]),
  eventId: z.number().int().nullable(),
  transactionId: z.string().max(64).nullable(),
  url: z.string().max(PROXY_MAX_URL_CHARS).nullable(),
  kind: z.enum([
    "tls-name-mismatch",
    "tls-untrusted-issuer",
    "tls-expired",
    "tls-failed",
    "websocket-failed",
    "backend-timeout",
    "backend-unreachable",
    "dns-failure",
    "kerberos",
    "config-download-failed",
    "service-unreachable",
    "other-error",
    "info",
  ]),
  message: z.string().max(PROXY_MAX_MESSAGE_CHARS),
  details: z.record(z.string().max(64), z.string().max(PROXY_MAX_DETAIL_CHARS)).refine((d) => Object.keys(d).length <= 20, "at most 20 details"),
}) satisfies z.ZodType<ConnectorEvent>;

const HttpExchangeSchema = z.strictObject({
  file: FILE_NAME,
  where: WHERE,
  time: TIME,
  method: z.string().max(32),
  url: z.string().max(PROXY_MAX_URL_CHARS),
  status: z.number().int().min(0).max(999),
  statusText: z.string().max(256),
  requestHeaders: Headers,
  responseHeaders: Headers,
  bodySnippet: z.string().max(BODY_SNIPPET_CHARS),
  durationMs: z.number().finite().nullable(),
}) satisfies z.ZodType<HttpExchange>;

export const ProxyFileReadSchema = z.strictObject({
  summary: z.strictObject({
    name: FILE_NAME,
    kind: z.enum(["connector-trace", "event-log-xml", "event-log-csv", "har", "saz"]),
    bytes: z.number().int().min(0),
    records: z.number().int().min(0),
    failures: z.number().int().min(0),
    from: z.string().max(40).nullable(),
    to: z.string().max(40).nullable(),
    warnings: z.array(z.string().max(1000)).max(PROXY_MAX_WARNINGS),
  }),
  connectorEvents: z.array(ConnectorEventSchema).max(MAX_KEPT_CONNECTOR_EVENTS),
  exchanges: z.array(HttpExchangeSchema).max(MAX_KEPT_EXCHANGES),
}) satisfies z.ZodType<ProxyFileRead>;

export const ProxyFileReadsSchema = z
  .array(ProxyFileReadSchema)
  .min(1, "Diagnose at least one file first.")
  .max(PROXY_MAX_FILES, `At most ${PROXY_MAX_FILES} files.`);

/** At most n characters, as a string of its own (own-string.ts: a kept cut must not keep the file's chunk alive). */
const clip = (s: string, n: number) => ownString(s, n);

/** Headers cut to the ceilings above, every string its own. */
export function boundHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h).slice(0, PROXY_MAX_HEADERS)) out[clip(k, 256)] = clip(v, PROXY_MAX_HEADER_CHARS);
  return out;
}

/**
 * A connector entry cut to the ceilings above, every string its own. The parsers keep each entry through this as they
 * read it, so what they hold while the file streams is already what a saved diagnosis may hold (decision 028).
 */
export function boundConnectorEvent(e: ConnectorEvent): ConnectorEvent {
  return {
    ...e,
    file: clip(e.file, 260),
    where: clip(e.where, 200),
    transactionId: e.transactionId === null ? null : clip(e.transactionId, 64),
    url: e.url === null ? null : clip(e.url, PROXY_MAX_URL_CHARS),
    message: clip(e.message, PROXY_MAX_MESSAGE_CHARS),
    details: Object.fromEntries(
      Object.entries(e.details)
        .slice(0, 20)
        .map(([k, v]) => [clip(k, 64), clip(v, PROXY_MAX_DETAIL_CHARS)]),
    ),
  };
}

/** An exchange cut to the ceilings above, every string its own (see boundConnectorEvent). */
export function boundExchange(x: HttpExchange): HttpExchange {
  return {
    ...x,
    file: clip(x.file, 260),
    where: clip(x.where, 200),
    method: clip(x.method, 32),
    // A HAR may say anything; a status no server sends is "no response" (0), which the rules count as failed too.
    status: Number.isInteger(x.status) && x.status >= 0 && x.status <= 999 ? x.status : 0,
    url: clip(x.url, PROXY_MAX_URL_CHARS),
    statusText: clip(x.statusText, 256),
    requestHeaders: boundHeaders(x.requestHeaders),
    responseHeaders: boundHeaders(x.responseHeaders),
    bodySnippet: clip(x.bodySnippet, BODY_SNIPPET_CHARS),
  };
}

/** The read cut to the ceilings above (a 20 KB cookie header, a 100 KB URL); what the rules read is kept. */
export function boundProxyFileRead(read: ProxyFileRead): ProxyFileRead {
  return {
    summary: { ...read.summary, name: clip(read.summary.name, 260), warnings: read.summary.warnings.slice(0, PROXY_MAX_WARNINGS).map((w) => clip(w, 1000)) },
    connectorEvents: read.connectorEvents.map(boundConnectorEvent),
    exchanges: read.exchanges.map(boundExchange),
  };
}
