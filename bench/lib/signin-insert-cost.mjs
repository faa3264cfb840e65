// @ts-check
/**
 * What writing the sign-in pull's rows costs SQLite, and which part of the row or the table costs it: the rows of a
 * database bench:signins pulled into (data/bench/signins-D-E.db), read back newest first, inserted again into an empty
 * SignInEvent with the same schema, on the pull's pragmas, GROUP rows per transaction (the pull commits 4 pages of 1,000
 * at a time), and the process's CPU seconds printed (wall time follows the machine's load; CPU much less).
 *
 *   node bench/lib/signin-insert-cost.mjs DB [--group 4000] [--rows-per-statement 1] [--no-view-indexes] [--findings-ref] [--time-keyed] [--writer-pragmas] [--runs 2]
 *
 * --rows-per-statement K: K rows per INSERT (multi-row VALUES) instead of one prepared single-row INSERT run per row.
 * --no-view-indexes: without the six indexes the Sign-ins view's filters read (the key and the unique id stay).
 * --findings-ref: each row's findings JSON replaced by its SHA-256 (hex): a row that would point at a stored text.
 * --time-keyed: the unique key (tenantRef, createdDateTime, signInId) instead of (tenantRef, signInId): Graph's ids are
 *   random, so each row of (tenantRef, signInId) lands on a random page of an index larger than the cache, while the
 *   pull writes newest first (migration 20261214300000).
 * --writer-pragmas: the cache and autocheckpoint the pull's writer connection uses (lib/db/direct.ts
 *   SQLITE_WRITE_TUNING: 32 MB, 10,000 pages) instead of SQLite's defaults (2 MB, 1,000).
 * Writes and removes a scratch database in the system's temporary folder.
 */
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

/** Bytes this process has written through write calls (Linux's /proc/self/io wchar): the WAL frames and the checkpoints. */
const writtenBytes = () => Number(/wchar: (\d+)/.exec(readFileSync("/proc/self/io", "utf8"))?.[1] ?? NaN);

const requireFromApp = createRequire(join(process.cwd(), "package.json"));
const Database = /** @type {typeof import("better-sqlite3")} */ (requireFromApp("better-sqlite3"));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    group: { type: "string", default: "4000" },
    "rows-per-statement": { type: "string", default: "1" },
    "no-view-indexes": { type: "boolean", default: false },
    "findings-ref": { type: "boolean", default: false },
    "time-keyed": { type: "boolean", default: false },
    "writer-pragmas": { type: "boolean", default: false },
    runs: { type: "string", default: "2" },
  },
});
if (!positionals[0]) throw new Error("usage: node bench/lib/signin-insert-cost.mjs DB [options]");
const GROUP = Number(values.group);
const K = Number(values["rows-per-statement"]);

const source = new Database(positionals[0], { readonly: true });
const columns = /** @type {{ name: string }[]} */ (source.prepare(`PRAGMA table_info("SignInEvent")`).all()).map((c) => c.name);
const rows = /** @type {unknown[][]} */ (
  source
    .prepare(`SELECT ${columns.map((c) => `"${c}"`).join(", ")} FROM "SignInEvent" ORDER BY "createdDateTime" DESC`)
    .raw()
    .all()
);
const findings = columns.indexOf("findings");
if (values["findings-ref"]) for (const r of rows) r[findings] = createHash("sha256").update(String(r[findings])).digest("hex");
const schema = /** @type {{ sql: string }[]} */ (source.prepare(`SELECT "sql" FROM sqlite_master WHERE "tbl_name" = 'SignInEvent' AND "sql" IS NOT NULL`).all())
  .map((r) => r.sql)
  // The scratch database has no Tenant table: the foreign key goes.
  .map((sql) => sql.replace(/,\s*CONSTRAINT "SignInEvent_tenantRef_fkey"[^\n]*\n/, "\n"))
  .filter((sql) => !(values["no-view-indexes"] && /^CREATE INDEX/.test(sql)))
  .map((sql) =>
    values["time-keyed"] && /^CREATE UNIQUE INDEX "SignInEvent_tenantRef_signInId_key"/.test(sql)
      ? `CREATE UNIQUE INDEX "SignInEvent_tenantRef_signInId_key" ON "SignInEvent"("tenantRef", "createdDateTime", "signInId")`
      : sql,
  );
source.close();

const head = `INSERT INTO "SignInEvent" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `;
const tuple = `(${columns.map(() => "?").join(", ")})`;
const tail = values["time-keyed"]
  ? ` ON CONFLICT ("tenantRef", "createdDateTime", "signInId") DO NOTHING`
  : ` ON CONFLICT ("tenantRef", "signInId") DO NOTHING`;
for (let run = 0; run < Number(values.runs); run++) {
  const file = join(tmpdir(), `signin-insert-cost-${process.pid}.db`);
  const remove = () => ["", "-wal", "-shm"].forEach((s) => rmSync(file + s, { force: true }));
  remove();
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  if (values["writer-pragmas"]) {
    db.pragma("wal_autocheckpoint = 10000");
    db.pragma("cache_size = -32768");
  }
  for (const sql of schema) db.exec(sql);
  const one = db.prepare(head + tuple + tail);
  const many = db.prepare(head + Array(K).fill(tuple).join(", ") + tail);
  const cpu = process.cpuUsage();
  const wrote = writtenBytes();
  const started = performance.now();
  for (let g = 0; g < rows.length; g += GROUP) {
    const part = rows.slice(g, g + GROUP);
    db.exec("BEGIN IMMEDIATE");
    let i = 0;
    if (K > 1) {
      for (; i + K <= part.length; i += K) {
        const flat = [];
        for (let j = i; j < i + K; j++) for (const v of part[j]) flat.push(v);
        many.run(...flat);
      }
    }
    for (; i < part.length; i++) one.run(...part[i]);
    db.exec("COMMIT");
  }
  const used = process.cpuUsage(cpu);
  console.log(
    `${rows.length} rows, ${GROUP} a transaction, ${K} a statement${values["no-view-indexes"] ? ", no view indexes" : ""}${values["findings-ref"] ? ", findings as a reference" : ""}${values["time-keyed"] ? ", time-keyed" : ""}${values["writer-pragmas"] ? ", writer pragmas" : ""}: CPU ${((used.user + used.system) / 1e6).toFixed(2)} s, wall ${((performance.now() - started) / 1000).toFixed(2)} s, written ${((writtenBytes() - wrote) / 1e6).toFixed(0)} MB`,
  );
  db.close();
  remove();
}
