/**
 * A browser session saved as HAR 1.2 (Edge/Chrome DevTools "Save all as HAR", Fiddler's HAR export). The file is
 * scanned, not parsed whole: a small state machine follows strings and brackets to find `log.entries`, and each
 * entry's own text is handed to JSON.parse and checked with zod. Memory holds one entry at a time (at most
 * MAX_ENTRY_CHARS); a syntax error names the entry and its line, and a file that ends inside the JSON is "truncated".
 */
import { z } from "zod";
import { BODY_SNIPPET_CHARS, headerMap } from "./exchange-helpers";
import { MAX_KEPT_EXCHANGES } from "./limits";
import { findTime, iso } from "./parse-time";
import { boundExchange } from "./proxy-read-schema";
import type { HttpExchange, ProxyFileRead } from "./types";
import { ProxyInputError } from "./types";

const MAX_ENTRY_CHARS = 32 * 1024 * 1024;
/**
 * A string of an entry longer than this (in the file's characters, escapes included) reaches JSON.parse cut to its
 * first 64–128 K characters: ≥ 10,000 characters once unescaped, more than any field a read keeps (an 8 KB URL or header,
 * 4 KB of body, 5,462 characters of base64 for it). A response body of many MB (a script, an image as base64) was
 * held three times before (the pieces, their join, JSON.parse's string): 206–261 MB peak RSS for one 30 MB entry.
 */
const MAX_STRING_CHARS = 64 * 1024;

const Header = z.object({ name: z.string(), value: z.string() }).loose();
const HarEntry = z
  .object({
    startedDateTime: z.string().optional(),
    time: z.number().optional(),
    request: z.object({ method: z.string(), url: z.string(), headers: z.array(Header).default([]) }).loose(),
    response: z
      .object({
        status: z.number(),
        statusText: z.string().default(""),
        headers: z.array(Header).default([]),
        content: z.object({ text: z.string().optional(), encoding: z.string().optional(), mimeType: z.string().optional() }).loose().optional(),
      })
      .loose(),
  })
  .loose();

const QUOTE = 34;
const BACKSLASH = 92;

interface Frame {
  type: "{" | "[";
  key: string | null;
}

export async function parseHar(name: string, bytes: number, text: AsyncIterable<string>): Promise<ProxyFileRead> {
  const exchanges: HttpExchange[] = [];
  const warnings: string[] = [];
  let records = 0;
  let failures = 0;
  let first: number | null = null;
  let last: number | null = null;
  let dropped = 0;

  const stack: Frame[] = [];
  let inString = false;
  let stringStart = -1;
  // The backslashes that ended the previous chunk inside a string: an odd run escapes a quote that starts this one.
  let carriedBackslashes = 0;
  // The current string's length in the chunks before this one; true once its rest is left out of the entry's text.
  let stringChars = 0;
  let cutString = false;
  let partialString: string | null = "";
  let lastString: string | null = null;
  let pendingKey: string | null = null;
  let entriesDepth = -1;
  let entryPieces: string[] | null = null;
  let entryChars = 0;
  let entryLine = 0;
  let line = 1;
  let sawRoot = false;

  const finishEntry = (json: string) => {
    const index = records;
    records++;
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new ProxyInputError(name, `entries[${index}] (line ${entryLine}) is not valid JSON: ${(e as Error).message}`);
    }
    const parsed = HarEntry.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ProxyInputError(name, `entries[${index}] (line ${entryLine}) is not a HAR entry (${issue?.path.join(".") || "root"}: ${issue?.message})`);
    }
    const e = parsed.data;
    const time = e.startedDateTime ? findTime(e.startedDateTime) : null;
    if (time !== null) {
      if (first === null || time < first) first = time;
      if (last === null || time > last) last = time;
    }
    const status = e.response.status;
    const failing = status >= 400 || status === 0;
    if (!failing) return;
    failures++;
    if (exchanges.length >= MAX_KEPT_EXCHANGES) {
      dropped++;
      return;
    }
    const content = e.response.content;
    let body = "";
    if (content?.text) {
      body =
        content.encoding === "base64"
          ? Buffer.from(content.text.slice(0, Math.ceil((BODY_SNIPPET_CHARS * 4) / 3)), "base64").toString("utf8")
          : content.text.slice(0, BODY_SNIPPET_CHARS);
    }
    // Kept through boundExchange: the body is cut from the response's whole text, which may be megabytes.
    exchanges.push(
      boundExchange({
        file: name,
        where: `entries[${index}] (line ${entryLine})`,
        time,
        method: e.request.method,
        url: e.request.url,
        status,
        statusText: e.response.statusText,
        requestHeaders: headerMap(e.request.headers),
        responseHeaders: headerMap(e.response.headers),
        bodySnippet: body,
        durationMs: e.time ?? null,
      }),
    );
  };

  for await (const chunk of text) {
    let i = 0;
    const n = chunk.length;
    let pieceFrom = entryPieces ? 0 : -1;
    if (inString) stringStart = 0;
    while (i < n) {
      if (inString) {
        const q = chunk.indexOf('"', i);
        if (q < 0) {
          if (entryPieces && !cutString) {
            stringChars += n - stringStart;
            // Cut only where this chunk holds ≥ 6 of the string's characters: an escape (at most \uXXXX) cut by the
            // chunk's end then started in this chunk, and escapeSafeEnd sees all of it.
            if (stringChars > MAX_STRING_CHARS && n - stringStart >= 6) {
              const piece = chunk.slice(pieceFrom < 0 ? 0 : pieceFrom, escapeSafeEnd(chunk, Math.max(i, stringStart), n, carriedBackslashes));
              entryPieces.push(piece);
              entryChars += piece.length;
              cutString = true;
            }
          }
          let k = n - 1;
          while (k >= i && chunk.charCodeAt(k) === BACKSLASH) k--;
          carriedBackslashes = n - 1 - k + (k < 0 ? carriedBackslashes : 0);
          if (partialString !== null) partialString = partialString.length + (n - stringStart) < 64 ? partialString + chunk.slice(stringStart) : null;
          countLines(chunk, i, n);
          i = n;
          break;
        }
        let k = q - 1;
        while (k >= i && chunk.charCodeAt(k) === BACKSLASH) k--;
        // Every character before the quote in this chunk is a backslash: the run began in the previous chunk.
        const bs = q - 1 - k + (k < 0 ? carriedBackslashes : 0);
        carriedBackslashes = 0;
        if (bs % 2 === 1) {
          i = q + 1;
          continue;
        }
        if (partialString !== null && partialString.length + q - stringStart < 64) lastString = partialString + chunk.slice(stringStart, q);
        else lastString = null;
        if (cutString) {
          // The entry's text resumes at the closing quote.
          cutString = false;
          pieceFrom = q;
        }
        inString = false;
        i = q + 1;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === QUOTE) {
        inString = true;
        stringStart = i + 1;
        stringChars = 0;
        partialString = "";
      } else if (c === 10) {
        line++;
      } else if (c === 58 /* : */) {
        pendingKey = lastString;
      } else if (c === 123 /* { */ || c === 91 /* [ */) {
        if (!sawRoot) {
          sawRoot = true;
          if (c !== 123) throw new ProxyInputError(name, "line 1 starts a JSON array: a HAR is an object with a log");
        }
        if (c === 123 && entriesDepth >= 0 && stack.length === entriesDepth && !entryPieces) {
          entryPieces = [];
          pieceFrom = i;
          entryChars = 0;
          entryLine = line;
        }
        stack.push({ type: c === 123 ? "{" : "[", key: pendingKey });
        if (c === 91 && pendingKey === "entries" && stack.length === 3 && stack[1]!.key === "log") entriesDepth = stack.length;
        pendingKey = null;
      } else if (c === 125 /* } */ || c === 93 /* ] */) {
        const top = stack.pop();
        if (!top || (top.type === "{") !== (c === 125)) {
          throw new ProxyInputError(name, `line ${line}: "${String.fromCharCode(c)}" closes nothing it opened: not valid JSON`);
        }
        if (entryPieces && c === 125 && stack.length === entriesDepth) {
          entryPieces.push(chunk.slice(pieceFrom, i + 1));
          finishEntry(entryPieces.join(""));
          entryPieces = null;
          pieceFrom = -1;
        }
        if (c === 93 && stack.length === entriesDepth - 1 && entriesDepth >= 0) entriesDepth = -2;
        pendingKey = null;
      } else if (c === 44 /* , */) {
        pendingKey = null;
      } else if (!sawRoot && c > 32 && c !== 0xfeff) {
        throw new ProxyInputError(name, `line ${line} is not JSON: a HAR starts with "{"`);
      }
      i++;
    }
    if (entryPieces && !cutString) {
      const piece = chunk.slice(pieceFrom < 0 ? 0 : pieceFrom);
      entryPieces.push(piece);
      entryChars += piece.length;
      if (entryChars > MAX_ENTRY_CHARS) throw new ProxyInputError(name, `entries[${records}] (line ${entryLine}) is larger than 32 MB`);
    }
  }

  /**
   * Where to cut a string that the chunk ends inside, at or before `end`: not inside an escape. The last backslash
   * in the final 6 characters decides: it starts an escape when the run of backslashes ending at it is odd.
   */
  function escapeSafeEnd(s: string, from: number, end: number, carried: number): number {
    for (let b = end - 1; b >= Math.max(from, end - 6); b--) {
      if (s.charCodeAt(b) !== BACKSLASH) continue;
      let k = b;
      while (k >= from && s.charCodeAt(k) === BACKSLASH) k--;
      const run = b - k + (k < from && from === 0 ? carried : 0);
      if (run % 2 === 0) return end;
      const length = s.charCodeAt(b + 1) === 117 /* u */ ? 6 : 2;
      return b + length > end ? b : end;
    }
    return end;
  }

  function countLines(s: string, from: number, to: number): void {
    for (let k = s.indexOf("\n", from); k >= 0 && k < to; k = s.indexOf("\n", k + 1)) line++;
  }

  if (!sawRoot) throw new ProxyInputError(name, "empty: not a HAR");
  if (entryPieces) throw new ProxyInputError(name, `the file ends inside entries[${records}] (line ${entryLine}): it is truncated`);
  if (inString || stack.length > 0) throw new ProxyInputError(name, `the file ends before its JSON closes (line ${line}): it is truncated`);
  if (entriesDepth === -1)
    throw new ProxyInputError(name, 'no "log.entries" array: not a HAR (save it from the browser\'s developer tools with "Save all as HAR")');
  if (dropped) warnings.push(`${dropped} more failing requests than the ${MAX_KEPT_EXCHANGES} kept for pairing were counted but not paired`);
  return { summary: { name, kind: "har", bytes, records, failures, from: iso(first), to: iso(last), warnings }, connectorEvents: [], exchanges };
}
