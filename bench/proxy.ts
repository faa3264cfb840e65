/**
 * Application Proxy parsers on 100 MB files (issue 21, item 6): a generated connector trace and a generated HAR,
 * each parsed by lib/proxy's readProxyFile in a fresh process (its peak RSS is that process's), next to its floor
 * in the same run: the cheapest way to do the same reading work. Both floors read the file in 64 KB pieces (fs's
 * default) and decode them with StringDecoder (one-byte strings for ASCII: TextDecoder's streaming mode makes two-byte
 * strings, external ones for chunks over ~500 KB); the trace's floor then splits lines, joining only the line a piece
 * continues; the HAR's finds every '"' (a JSON.parse-free scan; the parser's scanner does that plus brackets, and
 * JSON.parse of each entry). Then the file goes through `joinscope proxy-diagnose --format json` as an admin runs it
 * (bin/joinscope.mjs and the CLI process it starts, every command's modules loaded, the diagnosis printed): its peak
 * RSS is the figure an admin's machine sees, measured in each of the two processes at exit.
 *
 *   npm run bench:proxy [-- --mb 100] [-- --runs 2] [-- --no-cli]
 *
 * Targets: ≥ 50 MB/s for each parser; peak RSS < 200 MB for each parser and for the CLI's process. Exits 1 when one
 * misses.
 */
import { spawnSync } from "node:child_process";
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { parseArgs } from "node:util";

const REQUIRED_MB_PER_S = 50;
const MAX_RSS_MB = 200;

async function child(mode: string, file: string): Promise<void> {
  // The modules load (tsx compiles them) before the clock starts: the figure is the parse, not the start-up.
  const { readProxyFile } = await import("../lib/proxy/read-proxy-file");
  const { sourceFromPath } = await import("../lib/proxy/input");
  const started = performance.now();
  let detail = "";
  if (mode === "parse") {
    const r = await readProxyFile(await sourceFromPath(file));
    detail = `${r.summary.kind}: ${r.summary.records} records, ${r.summary.failures} failures, ${r.connectorEvents.length + r.exchanges.length} kept`;
  } else {
    const decoder = new StringDecoder("utf8");
    let count = 0;
    let carry = "";
    for await (const chunk of createReadStream(file)) {
      const text = decoder.write(chunk as Buffer);
      if (mode === "floor-lines") {
        const lines = text.split("\n");
        lines[0] = carry + lines[0]!;
        carry = lines.pop() ?? "";
        count += lines.length;
      } else {
        for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) count++;
      }
    }
    detail = `${count} ${mode === "floor-lines" ? "lines" : "quotes"}`;
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, detail })}\n`);
}

/**
 * A connector trace as tls-name-mismatch.log looks: verbose request lines, 1% TLS errors with their stack frames. With
 * `oneLine`, each error is one line, as the connector writes its "Request failed" warnings: the case in which a kept
 * string that is a view into its chunk keeps every chunk alive (decision 031).
 */
function writeTrace(path: string, bytes: number, oneLine = false): void {
  const fd = openSync(path, "w");
  let written = 0;
  let n = 0;
  const t0 = Date.UTC(2026, 10, 3, 9, 0, 0);
  while (written < bytes) {
    let chunk = "";
    while (chunk.length < 1024 * 1024) {
      n++;
      const time = new Date(t0 + n * 7).toISOString().replace("T", " ");
      const tx = `${((n * 2654435761) >>> 0).toString(16).padStart(8, "0")}-4f13-4b6e-9a4d-${n.toString(16).padStart(12, "0")}`;
      if (n % 100 === 0) {
        chunk += `AadAppProxyConnector Error: 0 : ${time} [TransactionId: ${tx}] Backend request to https://app01:8443/signalr/hub?id=${n} failed. System.Net.WebException: The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel. ---> System.Security.Authentication.AuthenticationException: The remote certificate is invalid according to the validation procedure.${oneLine ? "" : "\n   at System.Net.TlsStream.EndWrite(IAsyncResult asyncResult)\n   at System.Net.ConnectStream.WriteHeadersCallback(IAsyncResult ar)\n"}    SslPolicyErrors: RemoteCertificateNameMismatch; Requested host: app01; Certificate subject: CN=app01.corp.contoso.com; SAN: app01.corp.contoso.com\n`;
      } else {
        chunk += `AadAppProxyConnector Verbose: 0 : ${time} [TransactionId: ${tx}] Request received: GET https://app01:8443/api/boards/${n % 997}?view=full (external https://opsboard-contoso.msappproxy.net/)\n`;
      }
    }
    // At most `bytes`: the parser's limit is 100 MB, so a "100 MB" file must not exceed it.
    if (written + Buffer.byteLength(chunk) > bytes) break;
    written += writeSync(fd, chunk);
  }
  closeSync(fd);
}

/** A DevTools HAR: entries with headers and 1–6 KB text bodies, 2% of them App Proxy's 504 page. */
function writeHar(path: string, bytes: number): void {
  const fd = openSync(path, "w");
  let written = writeSync(
    fd,
    '{\n  "log": {\n    "version": "1.2",\n    "creator": { "name": "WebInspector", "version": "537.36" },\n    "pages": [],\n    "entries": [\n',
  );
  let n = 0;
  const t0 = Date.UTC(2026, 10, 3, 9, 0, 0);
  const body = "x".repeat(6000);
  while (written < bytes) {
    let chunk = "";
    while (chunk.length < 1024 * 1024) {
      n++;
      const failed = n % 50 === 0;
      const text = failed
        ? `<html><body><h1>This corporate app can't be accessed right now.</h1><p>The connector did not respond within the timeout period.</p><table><tr><td>Status Code:</td><td>GatewayTimeout</td></tr><tr><td>Transaction ID:</td><td>7c1f3e9a-2b5d-4c8e-a6f0-${n.toString(16).padStart(12, "0")}</td></tr></table></body></html>`
        : `{\\"id\\":${n},\\"name\\":\\"Board ${n}\\",\\"cards\\":\\"${body.slice(0, 1000 + (n % 5000))}\\"}`;
      const entry = {
        startedDateTime: new Date(t0 + n * 13).toISOString(),
        time: failed ? 85000 : 40 + (n % 60),
        request: {
          method: "GET",
          url: `https://opsboard-contoso.msappproxy.net/api/boards/${n}`,
          httpVersion: "http/1.1",
          headers: [
            { name: "Host", value: "opsboard-contoso.msappproxy.net" },
            { name: "Accept", value: "application/json" },
          ],
          queryString: [],
          cookies: [],
          headersSize: -1,
          bodySize: 0,
        },
        response: {
          status: failed ? 504 : 200,
          statusText: failed ? "Gateway Timeout" : "OK",
          httpVersion: "http/1.1",
          headers: [{ name: "Content-Type", value: failed ? "text/html" : "application/json" }],
          cookies: [],
          content: { size: text.length, mimeType: failed ? "text/html" : "application/json", text: "@@TEXT@@" },
          redirectURL: "",
          headersSize: -1,
          bodySize: text.length,
        },
        cache: {},
        timings: { send: 0, wait: 38, receive: 1 },
      };
      chunk += `${n > 1 ? ",\n" : ""}      ${JSON.stringify(entry).replace('"@@TEXT@@"', JSON.stringify(text.replace(/\\"/g, '"')))}`;
    }
    if (written + Buffer.byteLength(chunk) + 64 > bytes) break;
    written += writeSync(fd, chunk);
  }
  written += writeSync(fd, "\n    ]\n  }\n}\n");
  closeSync(fd);
}

interface Run {
  seconds: number;
  maxRssMb: number;
  detail: string;
}

/**
 * Loaded into each process of a `joinscope` run through NODE_OPTIONS (the wrapper bin/joinscope.mjs and the CLI
 * process it starts pass it on): at exit, the process appends its argv and peak RSS to $JOINSCOPE_BENCH_RSS_FILE.
 */
const REPORT_PEAK_RSS = `data:text/javascript,${encodeURIComponent(
  'import { appendFileSync } from "node:fs"; const f = process.env.JOINSCOPE_BENCH_RSS_FILE; if (f) process.on("exit", () => appendFileSync(f, JSON.stringify({ argv: process.argv.slice(1), maxRssMb: process.resourceUsage().maxRSS / 1024 }) + "\\n"));',
)}`;

interface CliRun {
  seconds: number;
  cliRssMb: number;
  wrapperRssMb: number;
  records: number;
  findings: number;
}

/** `joinscope proxy-diagnose --format json FILE` as an admin runs it; the peak RSS of its CLI process and of the wrapper. */
function runCli(file: string, dir: string, run: number): CliRun {
  const rssFile = join(dir, `rss-${run}-${Date.now()}.jsonl`);
  const bin = join(import.meta.dirname, "..", "bin", "joinscope.mjs");
  const started = performance.now();
  const r = spawnSync(process.execPath, [bin, "proxy-diagnose", "--format", "json", file], {
    encoding: "utf8",
    maxBuffer: 256 << 20,
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${REPORT_PEAK_RSS}`.trim(), JOINSCOPE_BENCH_RSS_FILE: rssFile },
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`joinscope proxy-diagnose ${file} failed: ${r.stderr}`);
  const processes = readFileSync(rssFile, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { argv: string[]; maxRssMb: number });
  const cli = processes.find((p) => p.argv.some((a) => a.endsWith(join("lib", "cli", "main.ts"))));
  const wrapper = processes.find((p) => p.argv.some((a) => a.endsWith(join("bin", "joinscope.mjs"))));
  if (!cli || !wrapper) throw new Error(`no peak RSS from the CLI's processes: ${JSON.stringify(processes)}`);
  const out = JSON.parse(r.stdout) as { files: { records: number }[]; findings: unknown[] };
  return { seconds, cliRssMb: cli.maxRssMb, wrapperRssMb: wrapper.maxRssMb, records: out.files[0]!.records, findings: out.findings.length };
}

function runChild(mode: string, file: string): Run {
  const r = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, "--child", mode, file], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${mode} ${file} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Run;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: "string" },
      mb: { type: "string", default: "100" },
      runs: { type: "string", default: "2" },
      "no-cli": { type: "boolean", default: false },
    },
    allowPositionals: true,
  });
  if (values.child) {
    const file = process.argv[process.argv.length - 1]!;
    return child(values.child, file);
  }
  const mb = Number(values.mb);
  const runs = Math.max(1, Number(values.runs) || 1);
  const dir = mkdtempSync(join(tmpdir(), "joinscope-bench-proxy-"));
  try {
    const trace = join(dir, "connector-trace.log");
    const oneLineTrace = join(dir, "connector-trace-one-line.log");
    const har = join(dir, "session.har");
    writeTrace(trace, mb * 1024 * 1024);
    writeTrace(oneLineTrace, mb * 1024 * 1024, true);
    writeHar(har, mb * 1024 * 1024);
    let failed = false;
    for (const [label, file, floorMode] of [
      ["connector trace", trace, "floor-lines"],
      ["connector trace, one-line errors", oneLineTrace, "floor-lines"],
      ["HAR", har, "floor-quotes"],
    ] as const) {
      const size = statSync(file).size / (1024 * 1024);
      for (let i = 0; i < runs; i++) {
        const floor = runChild(floorMode, file);
        const parse = runChild("parse", file);
        const cli = values["no-cli"] ? null : runCli(file, dir, i);
        const rate = size / parse.seconds;
        const floorRate = size / floor.seconds;
        const ok = rate >= REQUIRED_MB_PER_S && parse.maxRssMb < MAX_RSS_MB && (cli === null || cli.cliRssMb < MAX_RSS_MB);
        failed ||= !ok;
        const cliText = cli
          ? ` | joinscope proxy-diagnose: peak RSS ${cli.cliRssMb.toFixed(0)} MB (its wrapper ${cli.wrapperRssMb.toFixed(0)} MB), ${cli.seconds.toFixed(2)} s with start-up, ${cli.records} records, ${cli.findings} findings`
          : "";
        console.log(
          `${label} ${size.toFixed(1)} MB, run ${i + 1}: parse ${parse.seconds.toFixed(2)} s = ${rate.toFixed(1)} MB/s, peak RSS ${parse.maxRssMb.toFixed(0)} MB (${parse.detail}) | floor ${floor.seconds.toFixed(2)} s = ${floorRate.toFixed(1)} MB/s, peak RSS ${floor.maxRssMb.toFixed(0)} MB (${floor.detail}) | parse/floor ${(parse.seconds / floor.seconds).toFixed(2)}×${cliText} | ${ok ? "pass" : "FAIL"} (≥ ${REQUIRED_MB_PER_S} MB/s, < ${MAX_RSS_MB} MB)`,
        );
      }
    }
    if (failed) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
