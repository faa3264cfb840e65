/**
 * Prints a session token per role as JSON ({ Reader, Operator, Admin, none }) for e2e/authorization.spec.ts. Each role
 * gets a local account of its own (no password: the spec never signs in through the form, and a session is all the
 * checks under test read), created on first use; the session is started through lib/auth's startSession.
 */
import { startSession } from "@/lib/auth/admin-sessions";
import { db } from "@/lib/db/client";

const ROLES = { Reader: "Reader", Operator: "Operator", Admin: "Admin", none: null } as const;

async function main() {
  const tokens: Record<string, string> = {};
  for (const [key, role] of Object.entries(ROLES)) {
    const email = `e2e-role-${key.toLowerCase()}@joinscope.test`;
    const user =
      (await db.adminUser.findUnique({ where: { email }, select: { id: true } })) ??
      (await db.adminUser.create({ data: { email, name: `E2E ${key}`, passwordHash: "", role }, select: { id: true } }));
    const session = await db.$transaction((tx) => startSession(tx, user.id, undefined, new Date()));
    tokens[key] = session.sessionToken;
  }
  await db.$disconnect();
  process.stdout.write(JSON.stringify(tokens));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
