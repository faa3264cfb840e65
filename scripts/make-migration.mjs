#!/usr/bin/env node
// Developer tool: writes a new migration for both providers from the change made to
// prisma/schema.base.prisma since the last commit (`git show HEAD:…`). The WASM schema engine cannot
// diff against a live database, so this diffs datamodel against datamodel: commit the schema change
// together with the migration it produced.
// Usage: node scripts/make-migration.mjs NAME [--from REV]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [name, flag, rev] = process.argv.slice(2);
if (!name || !/^[a-z0-9_]+$/.test(name) || (flag && flag !== "--from")) {
  console.error("usage: node scripts/make-migration.mjs snake_case_name [--from REV]");
  process.exit(2);
}
const root = join(import.meta.dirname, "..");
const prisma = join(root, "node_modules/prisma/build/index.js");
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const previous = execFileSync("git", ["show", `${rev ?? "HEAD"}:prisma/schema.base.prisma`], { cwd: root, encoding: "utf8" });
execFileSync(process.execPath, [join(root, "scripts/prisma-generate.mjs"), "--schemas-only"], { cwd: root, stdio: "inherit" });

const tmp = mkdtempSync(join(tmpdir(), "joinscope-migration-"));
for (const provider of ["sqlite", "postgresql"]) {
  const oldSchema = join(tmp, `${provider}.prisma`);
  writeFileSync(oldSchema, previous.replaceAll("__PROVIDER__", provider));
  const url = provider === "sqlite" ? "file:./data/unused.db" : (process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test");
  const sql = execFileSync(
    process.execPath,
    [prisma, "migrate", "diff", "--from-schema-datamodel", oldSchema, "--to-schema-datamodel", `prisma/${provider}/schema.prisma`, "--script"],
    { cwd: root, env: { ...process.env, DATABASE_URL: url }, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  if (!sql.trim() || /This is an empty migration/.test(sql)) {
    console.log(`${provider}: no schema change`);
    continue;
  }
  const dir = join(root, "prisma", provider, "migrations", `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "migration.sql"), sql);
  console.log(`${provider}: wrote ${dir}/migration.sql`);
}
