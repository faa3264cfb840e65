/**
 * The connector's trace log: the text a .NET TextWriterTraceListener writes ("Source Level: id : message", stack
 * frames and "DateTime=" lines under it) or the connector's own log lines that start with a timestamp. One entry is
 * its first line and the indented or "at …"/"--->" lines after it. Streams line by line; keeps only the entries that
 * are warnings or errors (at most MAX_KEPT), counts the rest.
 */
import { classifyConnectorMessage, findTransactionId, findUrl } from "./classify-connector-message";
import { lineBatches } from "./input";
import { MAX_KEPT_CONNECTOR_EVENTS } from "./limits";
import { boundConnectorEvent } from "./proxy-read-schema";
import { findTime, iso } from "./parse-time";
import type { ConnectorEvent, ProxyFileRead } from "./types";
import { ProxyInputError } from "./types";

const LISTENER_HEADER = /^(\S[^:]*?)\s+(Critical|Error|Warning|Information|Verbose|Start|Stop)\s*:\s*(\d+)\s*:\s?(.*)$/;
const TIMESTAMP_HEADER = /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/;
const LEVEL_WORD = /\b(ERROR|Error|WARN(?:ING)?|Warning|INFO|Information|VERBOSE|Verbose|DEBUG|Critical|CRITICAL)\b/;
const MAX_ENTRY_CHARS = 16 * 1024;
const MAX_UNRECOGNISED_BEFORE_FIRST = 50;

interface OpenEntry {
  n: number;
  level: ConnectorEvent["level"];
  eventId: number | null;
  text: string;
}

function levelOf(word: string | undefined): ConnectorEvent["level"] {
  const w = (word ?? "").toLowerCase();
  if (w.startsWith("crit") || w.startsWith("err")) return "error";
  if (w.startsWith("warn")) return "warning";
  if (w.startsWith("verb") || w.startsWith("debug")) return "verbose";
  return "info";
}

export async function parseConnectorTrace(name: string, bytes: number, text: AsyncIterable<string>): Promise<ProxyFileRead> {
  const events: ConnectorEvent[] = [];
  const warnings: string[] = [];
  let records = 0;
  let failures = 0;
  let first: number | null = null;
  let last: number | null = null;
  let open: OpenEntry | null = null;
  let unrecognised = 0;
  let dropped = 0;

  let lastText = "";
  const close = (entry: OpenEntry) => {
    records++;
    const failing = entry.level === "error" || entry.level === "warning" || entry.text.includes("Exception");
    // The time range: the first entry's and the last one's (read at the end), and every failing entry's.
    if (!failing) {
      if (first === null) first = findTime(entry.text);
      lastText = entry.text;
      return;
    }
    const time = findTime(entry.text);
    if (time !== null) {
      if (first === null || time < first) first = time;
      if (last === null || time > last) last = time;
    }
    failures++;
    if (events.length >= MAX_KEPT_CONNECTOR_EVENTS) {
      dropped++;
      return;
    }
    const { kind, details } = classifyConnectorMessage(entry.text, entry.eventId);
    // Kept through boundConnectorEvent: its strings are cut from the entry's text, which is cut from the file's chunk.
    events.push(
      boundConnectorEvent({
        origin: "trace",
        file: name,
        where: `line ${entry.n}`,
        time,
        level: entry.level === "info" || entry.level === "verbose" ? "error" : entry.level,
        eventId: entry.eventId,
        transactionId: findTransactionId(entry.text),
        url: findUrl(entry.text),
        kind,
        // The message without its stack frames: the exception chain and the facts lines are what an admin reads.
        message: entry.text
          .split("\n")
          .filter((l) => !/^\s*(at |--- End of)/.test(l))
          .join(" ")
          .replace(/\s+/g, " ")
          .trim()
          .slice(0, 600),
        details,
      }),
    );
  };

  for await (const batch of lineBatches(name, text)) {
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.lines[i]!;
      const n = batch.first + i;
      // Stack frames and facts lines are indented: no header test for them.
      const c = line.charCodeAt(0);
      const header = c === 32 || c === 9 || Number.isNaN(c) ? null : LISTENER_HEADER.exec(line);
      if (header || (c >= 48 && c <= 91 && TIMESTAMP_HEADER.test(line))) {
        if (open) close(open);
        open = header
          ? { n, level: levelOf(header[2]), eventId: Number(header[3]) || null, text: header[4] ?? "" }
          : { n, level: levelOf(LEVEL_WORD.exec(line)?.[1]), eventId: null, text: line };
        continue;
      }
      if (open) {
        if (open.text.length < MAX_ENTRY_CHARS) open.text += `\n${line}`;
        continue;
      }
      if (line.trim() === "") continue;
      if (++unrecognised > MAX_UNRECOGNISED_BEFORE_FIRST || records === 0) {
        throw new ProxyInputError(
          name,
          `line ${n} is not a connector trace entry ("${line.slice(0, 80)}"); expected lines such as "AadAppProxyConnector Error: 0 : …" or ones that start with a timestamp`,
        );
      }
    }
  }
  if (open) close(open);
  const lastTime = lastText ? findTime(lastText) : null;
  if (lastTime !== null && (last === null || lastTime > last)) last = lastTime;
  if (records === 0) throw new ProxyInputError(name, "empty: no trace entries");
  if (dropped) warnings.push(`${dropped} more failing entries than the ${MAX_KEPT_CONNECTOR_EVENTS} kept for pairing were counted but not paired`);
  return {
    summary: { name, kind: "connector-trace", bytes, records, failures, from: iso(first), to: iso(last), warnings },
    connectorEvents: events,
    exchanges: [],
  };
}
