/**
 * The `joinscope` command as an admin runs it: the real bin, a child process, the test database.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { FIXTURES, NEGATIVE_FIXTURES, readFixture } from "@/lib/reports/fixtures";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import { buildAlternativeSecurityIdKey } from "@/simulator/generate-tenant";
import { findAdminBySession, loginAdmin } from "@/lib/auth/admin-sessions";
import { randomBytes, randomUUID } from "node:crypto";
import { enrolAgentDevice } from "@/lib/agent-devices/enrol-agent-device";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { createTenant } from "@/lib/tenants/create-tenant";
import { ROOT } from "../setup/databases";
import { runJoinscope, runJoinscopeOnEndlessInput } from "../setup/run-joinscope";

const joinscope = runJoinscope;

const fixturePath = (name: string) => join(ROOT, "lib/reports/fixtures", name);

describe("joinscope --help and usage errors", () => {
  it.each(["parse", "diagnose", "tenant", "token", "admin", "sync", "db:migrate"])(
    "%s --help prints the verb's usage and exits 0, touching nothing",
    async (verb) => {
      for (const flag of ["--help", "-h"]) {
        const r = await joinscope([verb, flag]);
        expect(r.code, `${verb} ${flag}`).toBe(0);
        expect(r.stdout).toContain(`joinscope ${verb}`);
        expect(r.stderr).toBe("");
      }
    },
  );

  it.each([
    ["sync", "--bogus"],
    ["tenant", "list", "--bogus"],
    ["token", "create", "--name"],
    ["diagnose", "--format"],
  ])("%s with an unknown option or a missing value exits 2 with its usage", async (...args) => {
    const r = await joinscope(args);
    expect(r.code, args.join(" ")).toBe(2);
    expect(r.stderr).toContain(`usage: joinscope ${args[0]}`);
    expect(r.stderr).not.toContain("unexpected error");
  });
});

describe("joinscope parse", () => {
  // One capture per layout generation keeps this suite fast; the parser's own tests cover every fixture.
  const sample = ["win10-1607-hybrid.txt", "win10-21h1-hybrid-deleted.txt", "win11-23h2-hybrid.utf16le.txt", "win11-24h2-hybrid-full.txt"];

  it.each(sample)("prints the JSON contract for %s", async (file) => {
    const fixture = FIXTURES.find((f) => f.file === file);
    expect(fixture, `fixture ${file} is listed`).toBeDefined();
    const r = await joinscope(["parse", "--format", "json", fixturePath(file)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    const { sections, ...scalars } = json;
    expect(scalars).toEqual(fixture!.expected);
    expect(Array.isArray(sections)).toBe(true);
  });

  it("reads standard input with -", async () => {
    const r = await joinscope(["parse", "-"], readFixture("win11-23h2-hybrid.utf16le.txt"));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).joinType).toBe("hybrid");
  });

  it.each(NEGATIVE_FIXTURES.map((f) => [f.file, f.errorCode] as const))("rejects %s with exit 1 and a message", async (file) => {
    const r = await joinscope(["parse", fixturePath(file)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^joinscope: .{20,}/);
  });

  it("refuses standard input past the upload bound (512 KB) as it arrives, not after reading it to its end", async () => {
    // `type huge.log | joinscope parse -`, or an endless producer: 8 MB written, standard input left open. Before, the
    // command read standard input whole before the parser's size check: it waited forever and held every byte.
    const { code, stderr } = await runJoinscopeOnEndlessInput(["parse", "-"], "Device State\n  AzureAdJoined : YES\n", 8 * 1024 * 1024);
    expect([code, stderr]).toEqual([1, "joinscope: standard input: larger than 512 KB, the most this command reads\n"]);
  });

  it("refuses a report file over the bound with the same message, and reads one at the bound", async () => {
    const dir = mkdtempSync(join(tmpdir(), "joinscope-cli-big-"));
    const report = readFixture("win11-23h2-hybrid.txt");
    const atBound = Buffer.concat([report, Buffer.from("\n"), Buffer.alloc(512 * 1024 - report.byteLength - 1, " ")]);
    writeFileSync(join(dir, "at-bound.txt"), atBound);
    writeFileSync(join(dir, "over.txt"), Buffer.concat([atBound, Buffer.from(" ")]));
    const ok = await joinscope(["parse", join(dir, "at-bound.txt")]);
    expect([ok.code, ok.stderr]).toEqual([0, ""]);
    const over = await joinscope(["parse", join(dir, "over.txt")]);
    expect([over.code, over.stderr]).toEqual([1, `joinscope: ${join(dir, "over.txt")}: larger than 512 KB, the most this command reads\n`]);
  });

  it("exits 2 on a bad option and 1 on a missing file", async () => {
    expect((await joinscope(["parse", "--format", "xml", fixturePath("win10-1607-hybrid.txt")])).code).toBe(2);
    const missing = await joinscope(["parse", "/nonexistent/dsregcmd.txt"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no such file");
  });
});

describe("joinscope diagnose", () => {
  it("prints the report and findings with evidence and remediation", async () => {
    const r = await joinscope(["diagnose", "--format", "json", "--captured-at", "2025-03-10T12:00:00Z", fixturePath("win10-21h1-hybrid-deleted.txt")]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      report: { deviceId: string };
      findings: { rule: string; severity: string; title: string; evidence: unknown[]; remediation: string[] }[];
    };
    expect(out.report.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    const authFailed = out.findings.find((f) => f.rule === "device-auth-failed");
    expect(authFailed).toMatchObject({ severity: "critical" });
    expect(authFailed!.evidence.length).toBeGreaterThan(0);
    expect(authFailed!.remediation.join(" ")).toMatch(/BitLocker/);
  });

  it("flags a report from another tenant when --tenant-id is given", async () => {
    const r = await joinscope(["diagnose", "--tenant-id", "00000000-1111-2222-3333-444444444444", fixturePath("win11-24h2-hybrid-full.txt")]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.map((f: { rule: string }) => f.rule)).toContain("tenant-mismatch");
  });
});

describe("joinscope diagnose with a directory object", () => {
  it("applies the join rules to the report and the Graph device JSON beside it", async () => {
    const report = parseDsregcmd(readFixture("win11-24h2-hybrid-full.txt"));
    if (!report.ok) throw new Error("fixture");
    const { deviceId, thumbprint, certValidFrom } = report.report;
    const device = {
      id: "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f",
      deviceId,
      displayName: "PC-0142",
      accountEnabled: false,
      trustType: "ServerAd",
      registrationDateTime: certValidFrom,
      onPremisesSyncEnabled: true,
      // A certificate other than the one the machine holds.
      alternativeSecurityIds: [
        { type: 2, identityProvider: null, key: buildAlternativeSecurityIdKey("1111111111111111111111111111111111111111", Buffer.alloc(32, 1)) },
      ],
    };
    expect(thumbprint).not.toBe("1111111111111111111111111111111111111111");
    const dir = mkdtempSync(join(tmpdir(), "joinscope-cli-"));
    const file = join(dir, "device.json");
    writeFileSync(file, JSON.stringify(device));
    const r = await joinscope(["diagnose", "--format", "json", fixturePath("win11-24h2-hybrid-full.txt"), file]);
    expect(r.stderr).toBe("");
    const rules = (JSON.parse(r.stdout).findings as { rule: string }[]).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(["thumbprint-mismatch", "object-disabled"]));

    writeFileSync(file, JSON.stringify({ hello: "world" }));
    const bad = await joinscope(["diagnose", fixturePath("win11-24h2-hybrid-full.txt"), file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("not a Graph device object");
  });
});

describe("joinscope diagnose judges a report at its own capture time", () => {
  // The 24H2 sample's PRT expired on 2025-03-23; diagnosing it today must not call that a failure of today.
  const expired = (findings: { rule: string; severity: string }[]) => findings.find((f) => f.rule === "prt-expired");

  it("states the PRT times as info when nothing says when the report was captured", async () => {
    const r = await joinscope(["diagnose", "--format", "json", fixturePath("win11-24h2-hybrid-full.txt")]);
    expect(r.code).toBe(0);
    expect(expired(JSON.parse(r.stdout).findings)).toMatchObject({
      severity: "info",
      title: "PRT expiry time has passed; when the report was captured is unknown",
    });
  });

  it("raises prt-expired when --captured-at is after the expiry, and nothing when it is before", async () => {
    const after = await joinscope(["diagnose", "--format", "json", "--captured-at", "2025-04-02T09:00:00Z", fixturePath("win11-24h2-hybrid-full.txt")]);
    expect(expired(JSON.parse(after.stdout).findings)).toMatchObject({ severity: "high" });
    const before = await joinscope(["diagnose", "--format", "json", "--captured-at", "2025-03-09T12:00:00Z", fixturePath("win11-24h2-hybrid-full.txt")]);
    expect(expired(JSON.parse(before.stdout).findings)).toBeUndefined();
  });

  it("reads the report's own Client Time line", async () => {
    const text = readFixture("win11-24h2-hybrid-full.txt")
      .toString("utf8")
      .replace(/(\+-+\+\r?\n\| Diagnostic Data[^\n]*\n\+-+\+\r?\n)/, "$1\n               Client Time : 2025-03-09 12:30:00.000 UTC\n");
    expect(text).toContain("Client Time : 2025-03-09 12:30:00.000 UTC");
    const r = await joinscope(["diagnose", "--format", "json", "-"], text);
    expect(r.code).toBe(0);
    expect(expired(JSON.parse(r.stdout).findings)).toBeUndefined();
  });
});

describe("joinscope diagnose reads the directory object as Graph holds it", () => {
  const write = (json: unknown) => {
    const file = join(mkdtempSync(join(tmpdir(), "joinscope-cli-")), "device.json");
    writeFileSync(file, JSON.stringify(json));
    return file;
  };
  const sample = () => {
    const report = parseDsregcmd(readFixture("win11-24h2-hybrid-full.txt"));
    if (!report.ok) throw new Error("fixture");
    return report.report;
  };
  const key = (thumbprint: string) => ({ type: 2, identityProvider: null, key: buildAlternativeSecurityIdKey(thumbprint, Buffer.alloc(32, 7)) });

  it("matches the report's certificate with any X509 key of the object", async () => {
    const { deviceId, thumbprint, certValidFrom } = sample();
    const device = {
      id: "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f",
      deviceId,
      displayName: "PC-0142",
      accountEnabled: true,
      trustType: "AzureAd",
      registrationDateTime: certValidFrom,
      alternativeSecurityIds: [key("1111111111111111111111111111111111111111"), key(thumbprint!)],
    };
    const r = await joinscope(["diagnose", "--format", "json", fixturePath("win11-24h2-hybrid-full.txt"), write(device)]);
    expect(r.stderr).toBe("");
    expect((JSON.parse(r.stdout).findings as { rule: string }[]).map((f) => f.rule)).not.toContain("thumbprint-mismatch");
  });

  // GET /beta/directory/deletedItems/{id} answers a soft-deleted object with deletedDateTime set: it cannot authenticate.
  it("reads an object with deletedDateTime as deleted, restorable through Graph", async () => {
    const { deviceId, thumbprint, certValidFrom } = sample();
    const device = {
      id: "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f",
      deviceId,
      displayName: "PC-0142",
      accountEnabled: true,
      trustType: "AzureAd",
      registrationDateTime: certValidFrom,
      deletedDateTime: new Date(Date.now() - 86_400_000).toISOString(),
      alternativeSecurityIds: [key(thumbprint!)],
    };
    const r = await joinscope(["diagnose", "--format", "json", fixturePath("win11-24h2-hybrid-full.txt"), write(device)]);
    expect(r.stderr).toBe("");
    const deleted = (JSON.parse(r.stdout).findings as { rule: string; remediation: string[] }[]).find((f) => f.rule === "object-deleted");
    expect(deleted?.remediation[0]).toMatch(/^Restore the object .* through Microsoft Graph/);
  });
});

describe("joinscope diagnose checks that the directory object is the report's", () => {
  const write = (json: unknown) => {
    const file = join(mkdtempSync(join(tmpdir(), "joinscope-cli-")), "device.json");
    writeFileSync(file, JSON.stringify(json));
    return file;
  };

  it("refuses an object whose deviceId is not the report's", async () => {
    const file = write({
      id: "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f",
      deviceId: "11111111-2222-4333-8444-555555555555",
      displayName: "PC-OTHER",
      trustType: "ServerAd",
    });
    const r = await joinscope(["diagnose", fixturePath("win11-24h2-hybrid-full.txt"), file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "this is the object of device 11111111-2222-4333-8444-555555555555 (PC-OTHER), but the report is device dd5ac0a8-cb5f-461e-9269-2502cbabc065",
    );
    expect(r.stdout).toBe("");
  });

  it.each([
    ["an empty $filter answer", { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#devices", value: [] }],
    [
      "a 404 error body",
      {
        error: {
          code: "Request_ResourceNotFound",
          message: "Resource 'dd5ac0a8-cb5f-461e-9269-2502cbabc065' does not exist or one of its queried reference-property objects are not present.",
          innerError: { date: "2025-03-10T08:00:00", "request-id": "b1f6c2a3-0000-4000-8000-000000000001" },
        },
      },
    ],
  ])("diagnoses %s as a missing object", async (_label, json) => {
    const r = await joinscope(["diagnose", "--format", "json", fixturePath("win11-24h2-hybrid-full.txt"), write(json)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout).findings as { rule: string }[]).map((f) => f.rule)).toContain("object-deleted");
  });
});

describe("joinscope tenant and token", () => {
  it("creates, lists and revokes an agent token; the secret is printed once", async () => {
    const add = await joinscope(["tenant", "add", "--tenant-id", "AAAABBBB-0000-CCCC-1111-DDDD2222EEEE", "--name", "Contoso"]);
    expect(add.code).toBe(0);
    const dup = await joinscope(["tenant", "add", "--tenant-id", "aaaabbbb-0000-cccc-1111-dddd2222eeee", "--name", "Again"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("already registered");

    const created = await joinscope(["token", "create", "--name", "Intune remediation"]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^jsa_[A-Za-z0-9_-]{43}$/);

    const list = await joinscope(["token", "list", "--format", "json"]);
    const tokens = JSON.parse(list.stdout) as { id: string; prefix: string; name: string; revokedAt: string | null }[];
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ name: "Intune remediation", revokedAt: null });
    expect(token.startsWith(tokens[0]!.prefix)).toBe(true);
    expect(list.stdout).not.toContain(token);

    const revoke = await joinscope(["token", "revoke", tokens[0]!.id]);
    expect(revoke.code).toBe(0);
    const after = JSON.parse((await joinscope(["token", "list", "--format", "json"])).stdout) as { revokedAt: string | null }[];
    expect(after[0]!.revokedAt).not.toBeNull();
  });
});

describe("joinscope token and agents: enrolment secrets and enrolled devices", () => {
  // Fifteen CLI processes one after another, each starting Node and loading the app (2–3 s each on a quiet machine):
  // the project timeout of 60 s held without load, not with the rest of the suite running beside it.
  it("creates a secret with or without direct uploads, requires enrolment, lists, rotates, revokes and re-admits a device; each change audit-logged", async () => {
    const tenantId = randomUUID();
    const tenant = await createTenant(db, { tenantId, name: `CLI agents ${tenantId.slice(0, 6)}`, actor: "test" });
    if (!tenant.ok) throw new Error(tenant.error.message);

    const legacy = await joinscope(["token", "create", "--name", "Version 1 agents", "--tenant", tenantId, "--direct-upload"]);
    expect(legacy.code).toBe(0);
    expect(legacy.stderr).toContain("accepts direct uploads");
    const enrolOnly = await joinscope(["token", "create", "--name", "Version 2 agents", "--tenant", tenantId]);
    expect(enrolOnly.stderr).toContain("enrols devices only");
    const tokens = JSON.parse((await joinscope(["token", "list", "--tenant", tenantId, "--format", "json"])).stdout) as {
      id: string;
      name: string;
      allowsDirectUpload: boolean;
    }[];
    const byName = Object.fromEntries(tokens.map((t) => [t.name, t]));
    expect(byName["Version 1 agents"]!.allowsDirectUpload).toBe(true);
    expect(byName["Version 2 agents"]!.allowsDirectUpload).toBe(false);
    const required = await joinscope(["token", "require-enrolment", byName["Version 1 agents"]!.id]);
    expect(required.code).toBe(0);
    expect(required.stdout).toContain("no longer accepts direct uploads");
    expect((await db.agentToken.findUniqueOrThrow({ where: { id: byName["Version 1 agents"]!.id } })).allowsDirectUpload).toBe(false);

    const enrolled = await enrolAgentDevice(directDb(), {
      tenantRef: tenant.id,
      tokenId: byName["Version 2 agents"]!.id,
      request: { hostname: "PC-CLI-01", deviceId: null, agentVersion: "2.0.0", machineKey: randomBytes(32).toString("base64url") },
      clientAddress: "192.0.2.10",
    });
    if (!enrolled.ok) throw new Error(enrolled.error.message);
    const list = await joinscope(["agents", "list", "--tenant", tenantId]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("PC-CLI-01");
    expect(list.stdout).toContain("active");
    expect(list.stdout).not.toContain(enrolled.deviceKey);
    const id = enrolled.agentId;

    expect((await joinscope(["agents", "rotate", id])).stdout).toContain("new key at its next contact");
    const json = JSON.parse((await joinscope(["agents", "list", "--tenant", tenantId, "--search", "cli-01", "--format", "json"])).stdout) as {
      total: number;
      rows: { id: string; status: string }[];
    };
    expect(json).toMatchObject({ total: 1, rows: [{ id, status: "rotation" }] });
    expect((await joinscope(["agents", "revoke", id])).stdout).toContain(`Revoked device ${id}`);
    expect((await joinscope(["agents", "revoke", id])).stdout).toContain("already revoked");
    const revoked = JSON.parse((await joinscope(["agents", "list", "--tenant", tenantId, "--status", "revoked", "--format", "json"])).stdout) as {
      rows: { id: string }[];
    };
    expect(revoked.rows.map((r) => r.id)).toEqual([id]);
    expect((await joinscope(["agents", "allow-re-enrol", id])).stdout).toContain("may enrol again");
    const cannotRotate = await joinscope(["agents", "rotate", id]);
    expect(cannotRotate.code).toBe(1);
    expect(cannotRotate.stderr).toContain("revoked");

    const audit = await db.auditLog.findMany({ where: { tenantRef: tenant.id, actor: "cli" }, orderBy: { at: "asc" }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual([
      "agent-token.create",
      "agent-token.create",
      "agent-token.require-enrolment",
      "agent-device.request-key-rotation",
      "agent-device.revoke",
      "agent-device.allow-re-enrolment",
    ]);
    for (const args of [["agents"], ["agents", "revoke"], ["agents", "delete", id], ["agents", "list", "--status", "lost"], ["token", "require-enrolment"]]) {
      const r = await joinscope(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain("usage:");
    }
  }, 180_000);
});

describe("joinscope admin", () => {
  const email = "ops-admin@joinscope.test";
  const login = (password: string) => loginAdmin(db, { email, password, clientAddress: "cli-test" });

  it("prints its usage and exits 2 for --help, a missing or unknown verb, a missing email, an unknown option, or a password argument", async () => {
    const help = await joinscope(["admin", "--help"]);
    expect(help.code).toBe(0);
    for (const verb of ["create", "reset-password", "disable", "enable", "end-sessions"]) expect(help.stdout).toContain(`joinscope admin ${verb}`);
    for (const args of [
      ["admin"],
      ["admin", "delete", "--email", email],
      ["admin", "disable"],
      ["admin", "create", "--email", email, "--name", "N", "--bogus"],
      ["admin", "reset-password", "--email", email, "--password", "x"],
      ["admin", "end-sessions", "--email", email, "extra"],
    ]) {
      const r = await joinscope(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain("usage:");
    }
  });

  it("resets a password from standard input, disables and enables an account, ends its sessions; each action audit-logged", async () => {
    expect((await joinscope(["admin", "create", "--email", email, "--name", "Ops Admin"], "the first password\n")).code).toBe(0);
    const first = await login("the first password");
    const second = await login("the first password");
    if (!first.ok || !second.ok) throw new Error("login");

    const ended = await joinscope(["admin", "end-sessions", "--email", email]);
    expect(ended).toMatchObject({ code: 0, stdout: `Ended 2 sessions of ${email}\n` });
    expect(await findAdminBySession(db, first.sessionToken)).toBeNull();
    expect(await findAdminBySession(db, second.sessionToken)).toBeNull();

    const session = await login("the first password");
    if (!session.ok) throw new Error("login");
    const disabled = await joinscope(["admin", "disable", "--email", email]);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toContain(`Disabled ${email}`);
    expect(await findAdminBySession(db, session.sessionToken)).toBeNull();
    expect(await login("the first password")).toMatchObject({ ok: false, error: { code: "invalid-credentials" } });

    expect((await joinscope(["admin", "enable", "--email", email])).code).toBe(0);
    expect((await login("the first password")).ok).toBe(true);

    const short = await joinscope(["admin", "reset-password", "--email", email], "short\n");
    expect(short.code).toBe(1);
    expect(short.stderr).toContain("at least 12 characters");
    const reset = await joinscope(["admin", "reset-password", "--email", email], "a brand new password\n");
    expect(reset.code).toBe(0);
    expect(reset.stdout + reset.stderr).not.toContain("a brand new password");
    expect(await login("the first password")).toMatchObject({ ok: false, error: { code: "invalid-credentials" } });
    expect((await login("a brand new password")).ok).toBe(true);

    const unknown = await joinscope(["admin", "disable", "--email", "nobody@joinscope.test"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no admin account");

    const audit = await db.auditLog.findMany({ where: { actor: "cli", action: { startsWith: "admin." } }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["admin.create", "admin.sessions-end", "admin.disable", "admin.enable", "admin.password-reset"]);
    expect(JSON.stringify(audit)).not.toMatch(/first password|brand new password/);
  });
});
