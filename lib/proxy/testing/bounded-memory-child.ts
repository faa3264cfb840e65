/**
 * A child process for lib/proxy/bounded-memory.test.ts: reads a generated file of `--mb` megabytes through
 * readProxyFile, under the small old-generation limit the test starts it with, and prints what it read and its heap
 * after a full collection. The file is made while it is read (64 KB chunks, nothing kept), so the only things that
 * can outgrow the limit are what the parser holds: with a kept string that is a view into its chunk, every chunk
 * holding a kept failure stays alive and the process dies of "heap out of memory".
 *
 *   node --max-old-space-size=32 --expose-gc --import tsx lib/proxy/testing/bounded-memory-child.ts trace|har|har-body MB | saz N
 *
 * `har-body MB` is a HAR of one 504 whose error page is that many MB (a HAR "with content" holds whole scripts and
 * images as well).
 *
 * `saz N` is not a size: it is N sessions, each answered with a 100 KB body (an archive of a few hundred KB, as bodies of
 * repeated JSON deflate to almost nothing; Fiddler's own archives of API traffic shrink ~10×).
 */
import { readProxyFile } from "../read-proxy-file";
import type { ProxySource } from "../input";
import { writeZip } from "./write-zip";

const [kind, mbArg] = process.argv.slice(2);
const totalBytes = Number(mbArg) * 1024 * 1024;
const CHUNK = 64 * 1024;

/**
 * A connector trace whose failures are one-line entries, as the connector writes its "Request failed before a backend
 * response" warnings (lib/proxy/fixtures/tls-name-mismatch.log): one every ~30 KB, so each 64 KB chunk holds one.
 */
function* traceText(): Generator<string> {
  for (let n = 1; ; n++) {
    const time = new Date(Date.UTC(2026, 10, 3, 9, 0, 0) + n * 7).toISOString().replace("T", " ");
    const tx = `7c1f3e9a-2b5d-4c8e-a6f0-${n.toString(16).padStart(12, "0")}`;
    yield n % 150 === 0
      ? `AadAppProxyConnector Error: 0 : ${time} [TransactionId: ${tx}] Backend request to https://app01:8443/signalr/hub?id=${n} failed: Could not establish trust relationship for the SSL/TLS secure channel; SslPolicyErrors: RemoteCertificateNameMismatch; Requested host: app01; Certificate subject: CN=app01.corp.contoso.com; SAN: app01.corp.contoso.com\n`
      : `AadAppProxyConnector Verbose: 0 : ${time} [TransactionId: ${tx}] Request received: GET https://app01:8443/api/boards/${n % 997}?view=full\n`;
  }
}

/** A HAR whose failing entries (one in 20) carry a 60 KB error page, of which a read keeps the first 4 KB. */
function* harText(): Generator<string> {
  yield '{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[],"entries":[\n';
  const page = `<html><body><h1>This corporate app can't be accessed right now.</h1><p>The connector did not respond within the timeout period.</p>${"<p>Status Code: GatewayTimeout</p>".repeat(1800)}</body></html>`;
  for (let n = 1; ; n++) {
    const failed = n % 20 === 0;
    const entry = {
      startedDateTime: new Date(Date.UTC(2026, 10, 3, 9, 0, 0) + n * 13).toISOString(),
      time: failed ? 85000 : 40,
      request: {
        method: "GET",
        url: `https://opsboard-contoso.msappproxy.net/api/boards/${n}`,
        headers: [{ name: "Host", value: "opsboard-contoso.msappproxy.net" }],
      },
      response: {
        status: failed ? 504 : 200,
        statusText: failed ? "Gateway Timeout" : "OK",
        headers: [{ name: "Content-Type", value: failed ? "text/html" : "application/json" }],
        content: { mimeType: failed ? "text/html" : "application/json", text: failed ? `${page}<!-- ${n} -->` : `{"id":${n},"name":"Board ${n}"}` },
      },
    };
    yield `${n > 1 ? ",\n" : ""}${JSON.stringify(entry)}`;
  }
}

/** The text's bytes in 64 KB chunks up to `totalBytes`, closed so that the file is complete. */
async function* chunks(): AsyncGenerator<Uint8Array> {
  const closing = kind === "har" ? "\n]}}\n" : "";
  const parts = kind === "har" ? harText() : traceText();
  let pending = "";
  let sent = 0;
  for (const part of parts) {
    if (sent + pending.length + part.length + closing.length > totalBytes) break;
    pending += part;
    if (pending.length >= CHUNK) {
      sent += pending.length;
      yield Buffer.from(pending, "latin1");
      pending = "";
    }
  }
  yield Buffer.from(pending + closing, "latin1");
}

/** A HAR of one failed request whose body is `totalBytes` of text with escapes, sent 64 KB at a time. */
async function* harBodyChunks(): AsyncGenerator<Uint8Array> {
  const head = `{"log":{"version":"1.2","entries":[{"startedDateTime":"2026-11-03T09:14:22.098Z","time":85000,"request":{"method":"GET","url":"https://opsboard-contoso.msappproxy.net/signalr/hub","headers":[{"name":"Upgrade","value":"websocket"}]},"response":{"status":504,"statusText":"Gateway Timeout","headers":[],"content":{"mimeType":"text/html","text":"`;
  yield Buffer.from(head, "latin1");
  const line = Buffer.from(`<p class=\\"e\\">The connector did not respond within the timeout period.</p>\\n`.repeat(Math.floor(CHUNK / 80)), "latin1");
  for (let sent = head.length; sent < totalBytes; sent += line.byteLength) yield Buffer.from(line);
  yield Buffer.from(`"}}}]}}\n`, "latin1");
}

/** A Fiddler archive of `sessions` sessions: every 25th answered 504, the others 200 with a 100 KB body. */
function sazBytes(sessions: number): Buffer {
  const host = "opsboard-contoso.msappproxy.net";
  const body = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n${'{"id":1,"name":"Board","cards":[]},'.repeat(3000)}`);
  const files: { name: string; data: string | Buffer }[] = [];
  for (let n = 1; n <= sessions; n++) {
    files.push(
      { name: `raw/${n}_c.txt`, data: `GET https://${host}/api/boards/${n} HTTP/1.1\r\nHost: ${host}\r\n\r\n` },
      {
        name: `raw/${n}_m.xml`,
        data: `<Session SID="${n}"><SessionTimers ClientBeginRequest="2026-11-03T10:14:21.895+01:00" ClientDoneResponse="2026-11-03T10:14:22.980+01:00" /></Session>`,
      },
      {
        name: `raw/${n}_s.txt`,
        data: n % 25 === 0 ? "HTTP/1.1 504 Gateway Timeout\r\nContent-Type: text/html\r\n\r\nThe connector did not respond within the timeout period." : body,
      },
    );
  }
  return writeZip(files);
}

const source: ProxySource =
  kind === "saz"
    ? (() => {
        const zip = sazBytes(Number(mbArg));
        return {
          name: "generated.saz",
          size: zip.byteLength,
          async *chunks() {
            for (let at = 0; at < zip.byteLength; at += CHUNK) yield zip.subarray(at, at + CHUNK);
          },
        };
      })()
    : kind === "har-body"
      ? { name: "generated.har", size: null, chunks: harBodyChunks }
      : { name: `generated.${kind === "har" ? "har" : "log"}`, size: null, chunks };
const read = await readProxyFile(source);
(globalThis as { gc?: () => void }).gc?.();
process.stdout.write(
  `${JSON.stringify({
    records: read.summary.records,
    failures: read.summary.failures,
    kept: read.connectorEvents.length + read.exchanges.length,
    heapUsedMb: process.memoryUsage().heapUsed / (1024 * 1024),
  })}\n`,
);
