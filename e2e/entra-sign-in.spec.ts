/**
 * Sign in with Microsoft through the simulator (issue 20): the authorization code flow with PKCE in a real browser,
 * for a user of each app role, one without a role and one whose role comes from a group; what each role sees; a
 * Reader's forged server-action call (an Operator's genuine "Sync now" request replayed with the Reader's session)
 * refused; sign-out that also ends the Entra session.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { request as playwrightRequest, type Page } from "@playwright/test";
import { E2E_SIGNINS_TENANT_NAME, E2E_SIMULATOR_FILE, type E2eSimulatorInfo } from "./constants";
import { expect, inlineAlert, test } from "./fixtures";

test.use({ ignoreHTTPSErrors: true });
// Each sign-in is several redirects through the simulator and a session write: slow on a loaded machine.
test.describe.configure({ timeout: 120_000 });

const sim = () => JSON.parse(readFileSync(join(process.cwd(), E2E_SIMULATOR_FILE), "utf8")) as E2eSimulatorInfo;
const upn = (local: string) => sim().signIn.users.find((u) => u.upn.startsWith(`${local}@`))!.upn;

async function signInAs(page: Page, local: string, next = "/") {
  await page.goto(next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`);
  await page.getByRole("link", { name: "Sign in with Microsoft" }).click();
  await expect(page.getByRole("heading", { name: "Pick an account" })).toBeVisible();
  await page.locator(`button[data-upn="${upn(local)}"]`).click();
}

const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });

test("a Reader signs in with Microsoft, browses, and cannot open Settings or Agents", async ({ page, snap }) => {
  await signInAs(page, "rita.reader");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("admin-name")).toHaveText("Rita Reader");
  await expect(page.getByTestId("admin-role")).toHaveText("Reader");
  await expect(nav(page).getByRole("link", { name: "Findings" })).toBeVisible();
  await expect(nav(page).getByRole("link", { name: "Settings" })).toHaveCount(0);
  await expect(nav(page).getByRole("link", { name: "Agents" })).toHaveCount(0);
  await snap(page, "entra-reader-overview");
  // What a Reader may not do is not offered: no Sync now, no acknowledgement on the Findings list.
  await page.goto("/sync");
  await expect(page.getByRole("heading", { name: "Sync", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sync now" })).toHaveCount(0);
  await page.goto("/findings");
  await expect(page.getByRole("heading", { name: "Findings", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Acknowledge/ })).toHaveCount(0);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/no-access\?need=Admin$/);
  await expect(page.getByTestId("role-to-ask")).toContainText("JoinScope.Admin");
  await snap(page, "entra-reader-no-access");
  await page.goto("/agents");
  await expect(page.getByTestId("role-to-ask")).toContainText("JoinScope.Operator");
});

test("a user without a role sees only the page naming the role to ask for", async ({ page, snap }) => {
  await signInAs(page, "nina.norole", "/findings");
  await expect(page).toHaveURL(/\/no-access\?need=Reader$/);
  await expect(page.getByRole("heading", { name: "You have no JoinScope role yet" })).toBeVisible();
  await expect(page.getByTestId("role-to-ask")).toContainText("JoinScope.Reader");
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  await snap(page, "entra-no-role");
});

test("an Operator (role from a group) opens Agents but not Settings; an Admin opens both", async ({ page, browser }) => {
  await signInAs(page, "gus.group");
  await expect(page.getByTestId("admin-role")).toHaveText("Operator");
  await expect(nav(page).getByRole("link", { name: "Agents" })).toBeVisible();
  await expect(nav(page).getByRole("link", { name: "Settings" })).toHaveCount(0);

  const admin = await browser.newPage({ ignoreHTTPSErrors: true });
  await signInAs(admin, "ada.admin", "/settings");
  await expect(admin).toHaveURL(/\/settings$/);
  await expect(admin.getByTestId("admin-role")).toHaveText("Admin");
  await expect(nav(admin).getByRole("link", { name: "Settings" })).toBeVisible();
  await admin.close();
});

test("a Reader's forged server action (an Operator's Sync now, replayed) is refused and starts nothing", async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  await signInAs(page, "oscar.operator", "/sync");
  await expect(page.getByTestId("admin-role")).toHaveText("Operator");
  await page.locator("#tenant-switcher").selectOption({ label: E2E_SIGNINS_TENANT_NAME });
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled();
  // The genuine request "Sync now" sends, recorded to be replayed with a Reader's session.
  const recorded = page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
  await page.getByRole("button", { name: "Sync now" }).click();
  const genuine = await recorded;

  const reader = await browser.newPage({ ignoreHTTPSErrors: true });
  await signInAs(reader, "rita.reader");
  await reader.locator("#tenant-switcher").selectOption({ label: E2E_SIGNINS_TENANT_NAME });
  await expect(reader.locator("#tenant-switcher")).toHaveValue(/.+/);
  const cookie = (await reader.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  await reader.close();

  const api = await playwrightRequest.newContext({ baseURL: baseURL! });
  const runs = async () => (await (await api.get("/api/v1/sync-runs", { headers: { cookie } })).json()) as { running: boolean; runs: unknown[] };
  // The Operator's own sync first settles, so the list does not change under the check.
  await expect.poll(async () => (await runs()).running, { timeout: 90_000 }).toBe(false);
  const before = (await runs()).runs.length;
  expect(before).toBeGreaterThan(0);

  const headers = { ...genuine.headers(), cookie };
  const forged = await api.fetch(new URL(genuine.url()).pathname, { method: "POST", headers, data: genuine.postDataBuffer() ?? "", maxRedirects: 0 });
  expect(forged.headers()["x-action-redirect"] ?? "").toMatch(/^\/no-access\?need=Operator/);
  expect((await runs()).runs.length).toBe(before);
  expect((await runs()).running).toBe(false);
  await api.dispose();
});

test("sign-out of Microsoft too ends the JoinScope session and goes through Entra's end-session endpoint", async ({ page }) => {
  await signInAs(page, "ada.admin");
  await expect(page.getByTestId("admin-role")).toHaveText("Admin");
  const visited: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) visited.push(frame.url());
  });
  const logout = page.waitForRequest((r) => r.url().includes("/oauth2/v2.0/logout"));
  await page.getByRole("button", { name: "Sign out of Microsoft too" }).click();
  const request = await logout;
  expect(new URL(request.url()).searchParams.get("post_logout_redirect_uri")).toMatch(/\/login$/);
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
});

test("a tampered callback (state from another sign-in) is refused", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("link", { name: "Sign in with Microsoft" }).click();
  await expect(page.getByRole("heading", { name: "Pick an account" })).toBeVisible();
  // An attacker's own code and state, delivered to this browser: the state is not the one its cookie remembers.
  await page.goto("/auth/callback?code=attacker-code&state=attacker-state-0123456789abcdef");
  await expect(page).toHaveURL(/\/login\?error=state-mismatch$/);
  await expect(inlineAlert(page)).toContainText("does not belong to the sign-in started in this browser");
});
