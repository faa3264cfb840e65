// Prisma CLI configuration. Runs the WASM schema engine through a driver adapter, so no native engine
// binary is ever downloaded (this machine and many customer networks have no route to binaries.prisma.sh).
// The provider follows DATABASE_URL: file:… → SQLite, postgres(ql)://… → PostgreSQL.
// See docs/decisions/002-prisma-offline.md.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { createMigrationAdapter, providerFromUrl } from "./scripts/lib/migration-adapter";

const url = process.env.DATABASE_URL ?? "file:./data/joinscope.db";
const provider = providerFromUrl(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", provider, "schema.prisma"),
  migrations: { path: path.join("prisma", provider, "migrations") },
  adapter: () => createMigrationAdapter(url),
});
