/**
 * One file of any accepted format: the format is told from its first bytes (a zip's "PK", JSON's "{", XML's "<",
 * Event Viewer's CSV header, else a trace), never from its name, and the file streams through that format's parser.
 */
import { detectEncoding, looksBinary, peek, PROXY_FILE_MAX_BYTES, type ProxySource, readAllBytes, textChunks } from "./input";
import { parseConnectorTrace } from "./parse-connector-trace";
import { parseEventLogCsv, parseEventLogXml } from "./parse-event-log";
import { parseHar } from "./parse-har";
import { parseSaz } from "./parse-saz";
import { boundProxyFileRead } from "./proxy-read-schema";
import type { ProxyFileRead } from "./types";
import { ProxyInputError } from "./types";

/** The file's read, cut to the ceilings of proxy-read-schema.ts (what the page sends back when it saves a diagnosis). */
export async function readProxyFile(input: ProxySource, maxBytes = PROXY_FILE_MAX_BYTES): Promise<ProxyFileRead> {
  return boundProxyFileRead(await readUnbounded(input, maxBytes));
}

async function readUnbounded(input: ProxySource, maxBytes: number): Promise<ProxyFileRead> {
  const name = input.name;
  if (input.size !== null && input.size > maxBytes) {
    throw new ProxyInputError(
      name,
      `${Math.round(input.size / (1024 * 1024))} MB is larger than the ${Math.round(maxBytes / (1024 * 1024))} MB accepted; capture a shorter window`,
    );
  }
  const { head, source } = await peek(input);
  if (head.length === 0) throw new ProxyInputError(name, "empty file");
  const bytes = input.size ?? 0;
  if (head[0] === 0x50 && head[1] === 0x4b) {
    if (source.path) return parseSaz(name, bytes, source.path, undefined);
    const buffer = await readAllBytes(source, maxBytes);
    return parseSaz(name, buffer.byteLength, undefined, buffer);
  }
  const encoding = detectEncoding(head);
  if (looksBinary(head, encoding)) {
    throw new ProxyInputError(
      name,
      "binary data, not text: expected a connector trace (.log), an event log export (.xml, .csv), a HAR (.har) or a Fiddler archive (.saz)",
    );
  }
  const start = new TextDecoder(encoding)
    .decode(head)
    .replace(/^\uFEFF/, "")
    .trimStart();
  const firstLine = start.split(/\r?\n/, 1)[0] ?? "";
  const text = textChunks(source, encoding, maxBytes);
  const size = async (read: ProxyFileRead): Promise<ProxyFileRead> => ({ ...read, summary: { ...read.summary, bytes: read.summary.bytes || bytes } });
  if (start.startsWith("{") || start.startsWith("[")) return size(await parseHar(name, bytes, text));
  if (start.startsWith("<")) return size(await parseEventLogXml(name, bytes, text));
  if (/^"?Level"?,/i.test(firstLine) && /Event ID/i.test(firstLine)) return size(await parseEventLogCsv(name, bytes, text));
  return size(await parseConnectorTrace(name, bytes, text));
}
