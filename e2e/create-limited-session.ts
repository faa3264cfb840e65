/**
 * For e2e/tenant-access.spec.ts: `tsx e2e/create-limited-session.ts TENANT_ID` makes (once) a Reader an access limit
 * (decision 027) keeps to that tenant, starts a session for it, and prints { token, email, contoso } as JSON: the
 * session token and, to ask for, Contoso's tenant ref, one of its devices' keys and one of its reports.
 */
import { setAccessLimit } from "@/lib/access/set-access-limit";
import { startSession } from "@/lib/auth/admin-sessions";
import { db } from "@/lib/db/client";
import { E2E_TENANT } from "./constants";

async function main() {
  const [tenantId] = process.argv.slice(2);
  if (!tenantId) throw new Error("usage: create-limited-session.ts TENANT_ID");
  const tenant = await db.tenant.findUniqueOrThrow({ where: { tenantId }, select: { id: true } });
  const email = "e2e-limited-reader@joinscope.test";
  const user =
    (await db.adminUser.findUnique({ where: { email }, select: { id: true } })) ??
    (await db.adminUser.create({ data: { email, name: "Lena Limited", passwordHash: "", role: "Reader" }, select: { id: true } }));
  const limit = await setAccessLimit(db, { kind: "user", principal: email, tenantRefs: [tenant.id], actor: "e2e-seed" });
  if (!limit.ok) throw new Error(limit.error.message);
  const session = await db.$transaction((tx) => startSession(tx, user.id, undefined, new Date()));
  const contoso = await db.tenant.findUniqueOrThrow({ where: { tenantId: E2E_TENANT.tenantId }, select: { id: true } });
  const report = await db.deviceReport.findFirstOrThrow({ where: { tenantRef: contoso.id, hostname: "PC-0142" }, select: { id: true } });
  const finding = await db.finding.findFirstOrThrow({ where: { tenantRef: contoso.id }, select: { subjectKey: true } });
  await db.$disconnect();
  process.stdout.write(
    JSON.stringify({ token: session.sessionToken, email, contoso: { tenantRef: contoso.id, reportId: report.id, subjectKey: finding.subjectKey } }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
