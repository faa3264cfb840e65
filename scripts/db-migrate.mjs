#!/usr/bin/env node
// Applies the committed migrations to whatever DATABASE_URL points at (default: the embedded SQLite file).
// Usage: npm run db:migrate   (or: joinscope db:migrate)
import { spawnSync } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const url = process.env.DATABASE_URL ?? "file:./data/joinscope.db";
const isSqlite = url.startsWith("file:");
if (!isSqlite && !/^postgres(ql)?:\/\//.test(url)) {
  console.error(`DATABASE_URL must start with file: or postgres://`);
  process.exit(1);
}
// The database holds password and session hashes and sealed tenant credentials: its folder is created 0700 and
// the file 0600 (SQLite gives the -wal and -shm files the database file's permissions).
if (isSqlite) mkdirSync(dirname(resolve(root, url.slice(5).replace(/\?.*$/, ""))), { recursive: true, mode: 0o700 });
if (isSqlite) createSqliteFile(resolve(root, url.slice(5).replace(/\?.*$/, "")));

const result = spawnSync(process.execPath, [join(root, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
  cwd: root,
  env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
  encoding: "utf8",
});
const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
if (result.status !== 0) {
  console.error(output.trim());
  console.error(`\ndb:migrate failed for ${isSqlite ? url : url.replace(/\/\/[^@]*@/, "//…@")}`);
  process.exit(result.status ?? 1);
}
if (isSqlite) {
  // WAL is a property of the database file: set once here, it lets readers run while a write commits.
  const require = createRequire(import.meta.url);
  const Database = require("better-sqlite3");
  const sqlite = new Database(resolve(root, url.slice(5).replace(/\?.*$/, "")));
  sqlite.pragma("journal_mode = WAL");
  sqlite.close();
}
const applied = /All migrations have been successfully applied|No pending migrations to apply/.exec(output);
console.log(`db:migrate: ${applied ? applied[0] : "done"} (${isSqlite ? url : "PostgreSQL"})`);

/**
 * A new SQLite file gets 8 KB pages before its first table: a DirectoryDevice row (~1.3 KB) and the index entries
 * a sync writes pack into fewer pages than with the default 4 KB, and each page a commit touches is written to the
 * WAL whole (bench/RESULTS.md, decision 006). An existing file keeps its page size (changing it takes a VACUUM).
 */
function createSqliteFile(file) {
  if (existsSync(file)) return;
  // Created empty with mode 0600 first (an empty file is a valid empty database), then chmod in case of a umask.
  closeSync(openSync(file, "wx", 0o600));
  chmodSync(file, 0o600);
  const require = createRequire(import.meta.url);
  const Database = require("better-sqlite3");
  const sqlite = new Database(file);
  sqlite.pragma("page_size = 8192");
  sqlite.pragma("journal_mode = WAL");
  sqlite.close();
}
