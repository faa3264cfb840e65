/**
 * The data folder, the SQLite database (with its -wal and -shm) and the generated secret key are created readable
 * by the owner only (issue 14 item 9): they hold password hashes, session hashes and sealed tenant credentials.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { createDb } from "@/lib/db/client";
import { ROOT } from "../setup/databases";

const mode = (path: string) => statSync(path).mode & 0o777;

describe("file modes of a fresh installation", () => {
  it("db:migrate creates the folder 0700 and the database, -wal and -shm 0600", async () => {
    const base = mkdtempSync(join(tmpdir(), "joinscope-modes-"));
    const file = join(base, "data", "joinscope.db");
    execFileSync(process.execPath, [join(ROOT, "scripts/db-migrate.mjs")], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${file}` },
      stdio: "ignore",
    });
    expect(mode(join(base, "data"))).toBe(0o700);
    expect(mode(file)).toBe(0o600);

    // The app's own connection (WAL mode, set by db:migrate) creates the -wal and -shm files.
    const db = createDb(`file:${file}`);
    try {
      await db.auditLog.create({ data: { actor: "test", action: "test.write" } });
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
    } finally {
      await db.$disconnect();
    }
  });

  it("the app creates a database that db:migrate never saw 0600 in a 0700 folder", async () => {
    const base = mkdtempSync(join(tmpdir(), "joinscope-modes-"));
    const file = join(base, "nested", "data", "app.db");
    const db = createDb(`file:${file}`);
    try {
      await db.$queryRawUnsafe("SELECT 1");
    } finally {
      await db.$disconnect();
    }
    expect(mode(join(base, "nested"))).toBe(0o700);
    expect(mode(join(base, "nested", "data"))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });

  it("the generated secret key is 0600 in a 0700 JOINSCOPE_DATA_DIR", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "joinscope-modes-")), "data");
    vi.resetModules();
    vi.stubEnv("JOINSCOPE_DATA_DIR", dir);
    vi.stubEnv("JOINSCOPE_SECRET_KEY", undefined);
    try {
      const { openSecret, sealSecret } = await import("@/lib/crypto/secret-box");
      expect(openSecret(sealSecret("client secret"))).toBe("client secret");
    } finally {
      vi.unstubAllEnvs();
    }
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, "secret.key"))).toBe(0o600);
  });
});
