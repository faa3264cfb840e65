#!/usr/bin/env node
// Writes prisma/{sqlite,postgresql}/schema.prisma from prisma/schema.base.prisma and generates both
// Prisma clients (WASM query compiler, no native engine): see docs/decisions/002-prisma-offline.md.
// `--schemas-only` writes the two schema files without generating clients.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const base = readFileSync(join(root, "prisma/schema.base.prisma"), "utf8");
const header = "// GENERATED from prisma/schema.base.prisma by scripts/prisma-generate.mjs. Do not edit.\n";

for (const provider of ["sqlite", "postgresql"]) {
  const dir = join(root, "prisma", provider);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "schema.prisma"), header + base.replaceAll("__PROVIDER__", provider));
}
if (!process.argv.includes("--schemas-only")) {
  for (const provider of ["sqlite", "postgresql"]) {
    execFileSync(process.execPath, [join(root, "node_modules/prisma/build/index.js"), "generate", "--schema", `prisma/${provider}/schema.prisma`], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
        DATABASE_URL: provider === "sqlite" ? "file:./data/unused.db" : "postgresql://localhost:5432/unused",
      },
    });
  }
  console.log("prisma: generated clients for sqlite and postgresql in lib/db/generated/");
}
