/**
 * The connector's Admin event log (Microsoft-AadApplicationProxy-Connector/Admin, or its newer name
 * Microsoft-Microsoft Entra private network-Connector/Admin) as Event Viewer's "Save All Events As…" writes it:
 * XML (`<Events><Event xmlns=…><System>…</System><EventData>…</EventData><RenderingInfo>…` or wevtutil's bare
 * `<Event>` sequence) or CSV ("Level,Date and Time,Source,Event ID,Task Category" and the description). Streams:
 * only the event being read is held, up to MAX_EVENT_CHARS.
 */
import { classifyConnectorMessage, findTransactionId, findUrl, KERBEROS_EVENT_IDS } from "./classify-connector-message";
import { PROXY_MAX_LINE_CHARS } from "./input";
import { findTime, iso } from "./parse-time";
import { MAX_KEPT_CONNECTOR_EVENTS } from "./limits";
import { boundConnectorEvent } from "./proxy-read-schema";
import type { ConnectorEvent, ProxyFileRead } from "./types";
import { ProxyInputError } from "./types";

const MAX_EVENT_CHARS = 1024 * 1024;
const LEVELS: Record<string, ConnectorEvent["level"]> = { "1": "error", "2": "error", "3": "warning", "4": "info", "5": "verbose", "0": "info" };

function decodeEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const k = e.toLowerCase();
    if (k === "lt") return "<";
    if (k === "gt") return ">";
    if (k === "amp") return "&";
    if (k === "quot") return '"';
    if (k === "apos") return "'";
    const code = k.startsWith("#x") ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : "";
  });
}

interface Tally {
  events: ConnectorEvent[];
  records: number;
  failures: number;
  first: number | null;
  last: number | null;
}

function record(t: Tally, e: Omit<ConnectorEvent, "origin" | "kind" | "details" | "transactionId" | "url">, text: string): void {
  t.records++;
  if (e.time !== null) {
    if (t.first === null || e.time < t.first) t.first = e.time;
    if (t.last === null || e.time > t.last) t.last = e.time;
  }
  const kerberos = e.eventId !== null && KERBEROS_EVENT_IDS.has(e.eventId);
  if (e.level !== "error" && e.level !== "warning" && !kerberos) return;
  t.failures++;
  if (t.events.length >= MAX_KEPT_CONNECTOR_EVENTS) return;
  const { kind, details } = classifyConnectorMessage(text, e.eventId);
  t.events.push(boundConnectorEvent({ ...e, origin: "event-log", kind, details, transactionId: findTransactionId(text), url: findUrl(text) }));
}

export async function parseEventLogXml(name: string, bytes: number, text: AsyncIterable<string>): Promise<ProxyFileRead> {
  const t: Tally = { events: [], records: 0, failures: 0, first: null, last: null };
  let buf = "";
  let lineAtBufStart = 1;
  let started = false;
  for await (const chunk of text) {
    buf += chunk;
    if (!started) {
      const head = buf.replace(/^\uFEFF/, "").trimStart();
      if (head.length === 0) continue;
      if (!head.startsWith("<")) throw new ProxyInputError(name, "line 1 is not XML");
      started = true;
    }
    for (;;) {
      const start = findEventStart(buf, 0);
      if (start < 0) {
        // Keep a tail that might hold the start of "<Event".
        const keep = Math.max(0, buf.length - 8);
        lineAtBufStart += countNewlines(buf, 0, keep);
        buf = buf.slice(keep);
        break;
      }
      const end = buf.indexOf("</Event>", start);
      if (end < 0) {
        if (buf.length - start > MAX_EVENT_CHARS) {
          throw new ProxyInputError(
            name,
            `event ${t.records + 1} (line ${lineAtBufStart + countNewlines(buf, 0, start)}) is longer than 1 MB: not an event log export`,
          );
        }
        lineAtBufStart += countNewlines(buf, 0, start);
        buf = buf.slice(start);
        break;
      }
      const line = lineAtBufStart + countNewlines(buf, 0, start);
      const xml = buf.slice(start, end + 8);
      readEventXml(name, xml, t, line);
      lineAtBufStart = line + countNewlines(buf, start, end + 8);
      buf = buf.slice(end + 8);
    }
  }
  const pending = findEventStart(buf, 0);
  if (pending >= 0) {
    throw new ProxyInputError(
      name,
      `event ${t.records + 1} starting at line ${lineAtBufStart + countNewlines(buf, 0, pending)} never ends (no </Event>): the file is truncated`,
    );
  }
  if (!started || t.records === 0) throw new ProxyInputError(name, "no <Event> elements: not an event log exported as XML");
  return {
    summary: { name, kind: "event-log-xml", bytes, records: t.records, failures: t.failures, from: iso(t.first), to: iso(t.last), warnings: [] },
    connectorEvents: t.events,
    exchanges: [],
  };
}

function findEventStart(buf: string, from: number): number {
  let i = from;
  for (;;) {
    i = buf.indexOf("<Event", i);
    if (i < 0) return -1;
    const c = buf.charCodeAt(i + 6);
    if (c === 32 || c === 62 || c === 10 || c === 13 || c === 9) return i;
    if (Number.isNaN(c)) return -1;
    i += 6;
  }
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf("\n", from); i >= 0 && i < to; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

function readEventXml(name: string, xml: string, t: Tally, line: number): void {
  const n = t.records + 1;
  if (!/<System>/.test(xml)) throw new ProxyInputError(name, `event ${n} (line ${line}) has no <System> element: not a Windows event`);
  const id = /<EventID[^>]*>\s*(\d+)\s*<\/EventID>/.exec(xml);
  if (!id) throw new ProxyInputError(name, `event ${n} (line ${line}) has no <EventID>`);
  const level = /<Level>\s*(\d)\s*<\/Level>/.exec(xml)?.[1] ?? "4";
  const created = /<TimeCreated\s+SystemTime=["']([^"']+)["']/.exec(xml)?.[1] ?? null;
  const data = [...xml.matchAll(/<Data(?:\s+Name=["']([^"']*)["'])?\s*>([\s\S]*?)<\/Data>/g)].map((m) => `${m[1] ? `${m[1]}: ` : ""}${decodeEntities(m[2]!)}`);
  const message = /<Message>([\s\S]*?)<\/Message>/.exec(xml)?.[1];
  const text = [message ? decodeEntities(message) : "", ...data].filter(Boolean).join("\n");
  record(
    t,
    {
      file: name,
      where: `event ${n} (line ${line})`,
      time: created ? findTime(created) : null,
      level: LEVELS[level] ?? "info",
      eventId: Number(id[1]),
      message: `Event ${id[1]}: ${text.replace(/\s+/g, " ").trim()}`.slice(0, 600),
    },
    text,
  );
}

interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * RFC 4180 records, streamed: quoted fields may hold commas, quotes ("") and line breaks. A chunk's records come as one
 * batch (one await per chunk, not per record), and a field is appended a run at a time: up to the next quote inside
 * quotes, up to the next comma or line break outside.
 */
async function* csvRecords(name: string, text: AsyncIterable<string>): AsyncGenerator<CsvRecord[]> {
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let recordLine = 1;
  let any = false;
  // A quote in a quoted field that ended the previous chunk: an escaped quote if this chunk starts with another.
  let quoteAtChunkEnd = false;
  const separator = /[,\n]/g;
  for await (const chunk of text) {
    const n = chunk.length;
    if (n === 0) continue;
    const batch: CsvRecord[] = [];
    let i = 0;
    if (quoteAtChunkEnd) {
      quoteAtChunkEnd = false;
      if (chunk.charCodeAt(0) === 34) {
        field += '"';
        i = 1;
      } else {
        quoted = false;
        afterQuote = true;
      }
    }
    try {
      while (i < n) {
        if (quoted) {
          const q = chunk.indexOf('"', i);
          const to = q < 0 ? n : q;
          for (let k = chunk.indexOf("\n", i); k >= 0 && k < to; k = chunk.indexOf("\n", k + 1)) line++;
          field += chunk.slice(i, to);
          if (field.length > PROXY_MAX_LINE_CHARS) throw new ProxyInputError(name, `the record at line ${recordLine} has a field longer than 1 MB`);
          if (q < 0) {
            i = n;
          } else if (q === n - 1) {
            quoteAtChunkEnd = true;
            i = n;
          } else if (chunk.charCodeAt(q + 1) === 34) {
            field += '"';
            i = q + 2;
          } else {
            quoted = false;
            afterQuote = true;
            i = q + 1;
          }
          continue;
        }
        const c = chunk.charCodeAt(i);
        if (c === 34 /* " */ && field === "" && !afterQuote) {
          quoted = true;
          any = true;
          i++;
        } else if (c === 44 /* , */) {
          fields.push(field);
          field = "";
          afterQuote = false;
          i++;
        } else if (c === 10 /* \n */) {
          fields.push(field.endsWith("\r") ? field.slice(0, -1) : field);
          batch.push({ fields, line: recordLine });
          fields = [];
          field = "";
          afterQuote = false;
          any = false;
          line++;
          recordLine = line;
          i++;
        } else {
          separator.lastIndex = i;
          const to = separator.exec(chunk)?.index ?? n;
          field += chunk.slice(i, to);
          any = true;
          if (field.length > PROXY_MAX_LINE_CHARS) throw new ProxyInputError(name, `line ${recordLine} is longer than 1 MB: not an event log export`);
          i = to;
        }
      }
    } catch (e) {
      // The records before the error first: the caller's error about one of them comes first, as line by line.
      if (batch.length) yield batch;
      throw e;
    }
    if (batch.length) yield batch;
  }
  if (quoteAtChunkEnd) {
    quoted = false;
    afterQuote = true;
  }
  if (quoted) throw new ProxyInputError(name, `the record at line ${recordLine} has a quoted field that never closes: the file is truncated`);
  if (any || fields.length) {
    fields.push(field);
    yield [{ fields, line: recordLine }];
  }
}

export async function parseEventLogCsv(name: string, bytes: number, text: AsyncIterable<string>): Promise<ProxyFileRead> {
  const t: Tally = { events: [], records: 0, failures: 0, first: null, last: null };
  let columns: { level: number; time: number; id: number; message: number } | null = null;
  for await (const batch of csvRecords(name, text)) {
    for (const { fields, line } of batch) {
      if (!columns) {
        const header = fields.map((f) =>
          f
            .replace(/^\uFEFF/, "")
            .trim()
            .toLowerCase(),
        );
        const level = header.indexOf("level");
        const time = header.indexOf("date and time");
        const id = header.indexOf("event id");
        if (level < 0 || time < 0 || id < 0) {
          throw new ProxyInputError(name, 'line 1 is not Event Viewer\'s CSV header (expected "Level,Date and Time,Source,Event ID,Task Category")');
        }
        const described = header.findIndex((h) => h === "description" || h === "general" || h === "message");
        columns = { level, time, id, message: described >= 0 ? described : header.length };
        continue;
      }
      if (fields.length === 1 && fields[0]!.trim() === "") continue;
      const eventId = Number(fields[columns.id]);
      if (!Number.isInteger(eventId)) throw new ProxyInputError(name, `line ${line}: "${fields[columns.id] ?? ""}" is not an event id`);
      const levelText = (fields[columns.level] ?? "").toLowerCase();
      const level: ConnectorEvent["level"] =
        levelText.startsWith("err") || levelText.startsWith("crit") ? "error" : levelText.startsWith("warn") ? "warning" : "info";
      const message = fields.slice(columns.message).join(",");
      record(
        t,
        {
          file: name,
          where: `line ${line}`,
          time: findTime(fields[columns.time] ?? ""),
          level,
          eventId,
          message: `Event ${eventId}: ${message.replace(/\s+/g, " ").trim()}`.slice(0, 600),
        },
        message,
      );
    }
  }
  if (!columns) throw new ProxyInputError(name, "empty: no CSV header");
  if (t.records === 0) throw new ProxyInputError(name, "no events after the header");
  return {
    summary: { name, kind: "event-log-csv", bytes, records: t.records, failures: t.failures, from: iso(t.first), to: iso(t.last), warnings: [] },
    connectorEvents: t.events,
    exchanges: [],
  };
}
