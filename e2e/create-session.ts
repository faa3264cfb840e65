/**
 * Prints a fresh admin session token as JSON. The Playwright login fixture runs this once per worker and
 * puts the token in a cookie, so only one test goes through the login form (epic-stack style).
 */
import { loginAdmin } from "@/lib/auth/admin-sessions";
import { db } from "@/lib/db/client";
import { E2E_ADMIN } from "./constants";

async function main() {
  const result = await loginAdmin(db, { email: E2E_ADMIN.email, password: E2E_ADMIN.password, clientAddress: "e2e-session-fixture" });
  await db.$disconnect();
  if (!result.ok) throw new Error(result.error.message);
  process.stdout.write(JSON.stringify({ token: result.sessionToken, expiresAt: result.expiresAt.toISOString() }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
