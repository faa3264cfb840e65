/**
 * A Fiddler session archive (.saz): a zip holding raw/NN_c.txt (the request as sent), raw/NN_s.txt (the response)
 * and raw/NN_m.xml (the session's timers and flags) for each session NN. Read with yauzl, entry by entry, each one
 * only to its first MAX_PART_BYTES (headers and the start of the body; the App Proxy error page is small), so a zip
 * bomb cannot inflate past the cap. Each part is reduced as soon as it is read to what the read keeps (the request's
 * method, URL and headers, the response's status, headers and first 4 KB, the two timers), and a session whose
 * response succeeded to its times: a 100 MB archive of 4,800 sessions with 200 KB responses held every part's 64 KB
 * to the end before (peak RSS 499 MB), and takes ~20 MB of heap now.
 */
import yauzl from "yauzl";
import { BODY_SNIPPET_CHARS, headerMap } from "./exchange-helpers";
import { MAX_KEPT_EXCHANGES } from "./limits";
import { ownString } from "./own-string";
import { findTime, iso } from "./parse-time";
import { boundExchange, boundHeaders, PROXY_MAX_URL_CHARS } from "./proxy-read-schema";
import type { HttpExchange, ProxyFileRead } from "./types";
import { ProxyInputError } from "./types";

const MAX_PART_BYTES = 64 * 1024;
const MAX_ENTRIES = 200_000;
const PART = /^raw\/(\d+)_([csm])\.(txt|xml)$/i;

/** A request part as kept: its method, URL and headers, or the start line that is not a request line. */
type RequestPart = { method: string; url: string; headers: Record<string, string> } | { badStartLine: string };
/** A response part as kept: status, headers and the start of the body, or the start line that is not a status line. */
type ResponsePart = { status: number; statusText: string; headers: Record<string, string>; body: string } | { badStartLine: string };

/** What is kept of one session while the archive is read; the checks run in session order at the end. */
interface Session {
  request?: RequestPart;
  response?: ResponsePart;
  time?: number | null;
  end?: number | null;
}

function readRequest(text: string): RequestPart {
  const req = parseHead(text);
  const reqLine = /^([A-Z]+)\s+(\S+)\s+HTTP\/[\d.]+/.exec(req.startLine);
  if (!reqLine) return { badStartLine: ownString(req.startLine, 80) };
  const headers = headerMap(req.headers);
  let url = reqLine[2]!;
  if (url.startsWith("/")) url = `https://${headers.host ?? "unknown-host"}${url}`;
  return { method: ownString(reqLine[1]!, 32), url: ownString(url, PROXY_MAX_URL_CHARS), headers: boundHeaders(headers) };
}

function readResponse(text: string): ResponsePart {
  const res = parseHead(text);
  const statusLine = /^HTTP\/[\d.]+\s+(\d{3})\s*(.*)$/.exec(res.startLine);
  if (!statusLine) return { badStartLine: ownString(res.startLine, 80) };
  const headers = headerMap(res.headers);
  return {
    status: Number(statusLine[1]),
    statusText: ownString(statusLine[2] ?? "", 256),
    headers: boundHeaders(headers),
    body: headers["content-encoding"] ? "" : ownString(res.body, BODY_SNIPPET_CHARS),
  };
}

/** A session whose request and response were read and succeeded keeps only its times (it is counted, not kept). */
function dropIfHealthy(s: Session): void {
  const res = s.response;
  if (!s.request || "badStartLine" in s.request || !res || "badStartLine" in res) return;
  if (res.status === 0 || res.status >= 400) return;
  s.request = { method: "", url: "", headers: {} };
  s.response = { status: res.status, statusText: "", headers: {}, body: "" };
}

function openZip(path: string | undefined, bytes: Buffer | undefined): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, zip?: yauzl.ZipFile) => (err || !zip ? reject(err ?? new Error("no zip")) : resolve(zip));
    if (path) yauzl.open(path, { lazyEntries: true, autoClose: true, strictFileNames: false }, done);
    else yauzl.fromBuffer(bytes!, { lazyEntries: true, strictFileNames: false }, done);
  });
}

function readHead(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error("no stream"));
      const parts: Buffer[] = [];
      let have = 0;
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        resolve(Buffer.concat(parts).subarray(0, MAX_PART_BYTES));
      };
      stream.on("data", (d: Buffer) => {
        parts.push(d);
        have += d.length;
        if (have >= MAX_PART_BYTES) {
          finish();
          stream.destroy();
        }
      });
      stream.on("end", finish);
      stream.on("error", (e) => (settled ? undefined : ((settled = true), reject(e))));
    });
  });
}

function parseHead(text: string): { startLine: string; headers: { name: string; value: string }[]; body: string } {
  const sep = text.search(/\r?\n\r?\n/);
  const head = sep < 0 ? text : text.slice(0, sep);
  const body = sep < 0 ? "" : text.slice(sep).replace(/^\r?\n\r?\n/, "");
  const [startLine = "", ...rest] = head.split(/\r?\n/);
  const headers = rest.flatMap((l) => {
    const c = l.indexOf(":");
    return c > 0 ? [{ name: l.slice(0, c).trim(), value: l.slice(c + 1).trim() }] : [];
  });
  return { startLine, headers, body };
}

export async function parseSaz(name: string, bytes: number, path: string | undefined, buffer: Buffer | undefined): Promise<ProxyFileRead> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(path, buffer);
  } catch (e) {
    throw new ProxyInputError(name, `not a readable zip archive (${(e as Error).message}): a SAZ is the zip Fiddler saves; this one is truncated or damaged`);
  }
  const sessions = new Map<number, Session>();
  let entries = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("error", reject);
      zip.on("end", resolve);
      zip.on("entry", (entry: yauzl.Entry) => {
        if (++entries > MAX_ENTRIES) return reject(new Error(`more than ${MAX_ENTRIES} files`));
        const m = PART.exec(entry.fileName);
        if (!m) return zip.readEntry();
        readHead(zip, entry).then((buf) => {
          const id = Number(m[1]);
          const s = sessions.get(id) ?? {};
          const text = buf.toString("utf8");
          const part = m[2]!.toLowerCase();
          if (part === "c") s.request = readRequest(text);
          else if (part === "s") s.response = readResponse(text);
          else {
            const begin = /ClientBeginRequest="([^"]+)"/.exec(text)?.[1];
            const done = /ClientDoneResponse="([^"]+)"/.exec(text)?.[1];
            s.time = begin ? findTime(begin) : null;
            s.end = done ? findTime(done) : null;
          }
          dropIfHealthy(s);
          sessions.set(id, s);
          zip.readEntry();
        }, reject);
      });
      zip.readEntry();
    });
  } catch (e) {
    zip.close();
    throw new ProxyInputError(name, `the archive is damaged or truncated (${(e as Error).message})`);
  }
  if (sessions.size === 0) throw new ProxyInputError(name, "a zip without raw/NN_c.txt sessions: not a Fiddler SAZ");

  const exchanges: HttpExchange[] = [];
  let records = 0;
  let failures = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (const [id, s] of [...sessions].sort((a, b) => a[0] - b[0])) {
    const where = `session ${id}`;
    const req = s.request;
    if (!req) throw new ProxyInputError(name, `${where} has no raw/${id}_c.txt (the request)`);
    records++;
    if ("badStartLine" in req) throw new ProxyInputError(name, `${where}: "${req.badStartLine}" is not an HTTP request line`);
    const time = s.time ?? null;
    const end = s.end ?? null;
    if (time !== null) {
      if (first === null || time < first) first = time;
      if (last === null || time > last) last = time;
    }
    let status = 0;
    let statusText = "no response";
    let responseHeaders: Record<string, string> = {};
    let body = "";
    if (s.response) {
      if ("badStartLine" in s.response) throw new ProxyInputError(name, `${where}: "${s.response.badStartLine}" is not an HTTP status line`);
      ({ status, statusText, headers: responseHeaders, body } = s.response);
    }
    if (status !== 0 && status < 400) continue;
    failures++;
    if (exchanges.length >= MAX_KEPT_EXCHANGES) continue;
    exchanges.push(
      boundExchange({
        file: name,
        where,
        time,
        method: req.method,
        url: req.url,
        status,
        statusText,
        requestHeaders: req.headers,
        responseHeaders,
        bodySnippet: body,
        durationMs: time !== null && end !== null ? end - time : null,
      }),
    );
  }
  return { summary: { name, kind: "saz", bytes, records, failures, from: iso(first), to: iso(last), warnings: [] }, connectorEvents: [], exchanges };
}
