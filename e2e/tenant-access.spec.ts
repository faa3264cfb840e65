import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { E2E_DATABASE_URL, E2E_EXPORT_TENANT, E2E_SIMULATOR_FILE, E2E_TENANT, SESSION_COOKIE, type E2eSimulatorInfo } from "./constants";
import { expect, test } from "./fixtures";

// Issue 20 item 3 (decision 027) in a real browser: a Reader an Admin limited to the Woodgrove export tenant (e2e/seed.ts:
// WG-0001, WG-0003 and one named like a formula) never sees Contoso's devices, findings or exports, whatever the URL.
interface Limited {
  token: string;
  email: string;
  contoso: { tenantRef: string; reportId: string; subjectKey: string };
}

function limitedSession(): Limited {
  const out = execFileSync(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", join(process.cwd(), "e2e/create-limited-session.ts"), E2E_EXPORT_TENANT.tenantId],
    { cwd: process.cwd(), env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, LOG_LEVEL: "silent" }, encoding: "utf8" },
  );
  return JSON.parse(out) as Limited;
}

const CONTOSO_HOSTS = ["PC-0142", "PC-0466", "PC-0087", "LT-2231", "KIOSK-07"];

test("a tenant-limited Reader sees only their tenant: switcher, Devices, Findings, device and report pages, exports", async ({
  page,
  context,
  baseURL,
  snap,
}) => {
  test.setTimeout(90_000);
  const limited = limitedSession();
  await context.addCookies([
    { name: SESSION_COOKIE, value: limited.token, url: baseURL!, httpOnly: true, sameSite: "Lax" },
    // As if Contoso had been chosen in this browser before the limit: the cookie is ignored.
    { name: "joinscope_tenant", value: limited.contoso.tenantRef, url: baseURL!, httpOnly: true, sameSite: "Lax" },
  ]);

  await page.goto("/devices?sort=name");
  const switcher = page.getByLabel("Tenant", { exact: true });
  await expect(switcher.locator("option")).toHaveText([E2E_EXPORT_TENANT.name]);
  await expect(page.getByTestId("device-row")).toHaveCount(3);
  const body = page.locator("main");
  for (const host of CONTOSO_HOSTS) await expect(body).not.toContainText(host);
  await snap(page, "tenant-limited-devices");

  await page.goto("/findings");
  for (const host of CONTOSO_HOSTS) await expect(page.locator("main")).not.toContainText(host);
  await expect(page.locator("main")).not.toContainText(E2E_TENANT.name);

  // Another tenant's device and report, by their URLs: not found, as an unknown one.
  await page.goto(`/devices/${encodeURIComponent(limited.contoso.subjectKey)}`);
  await expect(page.getByText("Device not found")).toBeVisible();
  const report = await page.goto(`/reports/${limited.contoso.reportId}`);
  expect(report?.status()).toBe(404);
  await snap(page, "tenant-limited-report-404");

  // The page's own export: Woodgrove's rows only.
  await page.goto("/devices?sort=name");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^joinscope-devices-woodgrove-exports-/);
  const csv = (await readFile((await download.path())!)).toString("utf8");
  expect(csv).toContain("WG-0001");
  for (const host of CONTOSO_HOSTS) expect(csv).not.toContain(host);

  // An export link edited to name Contoso: 404, in the browser's session.
  for (const what of ["devices/export", "findings/export", "devices/change-board"]) {
    const response = await page.request.get(`/api/v1/${what}?tenant=${limited.contoso.tenantRef}&format=csv`);
    expect(response.status(), what).toBe(404);
  }
  const findings = await page.request.get("/api/v1/findings/export?format=jsonl");
  expect(findings.status()).toBe(200);
  const text = await findings.text();
  for (const host of CONTOSO_HOSTS) expect(text).not.toContain(host);
});

test("Settings → Users: an Admin limits a user to a tenant, is told why a bad group is refused, and lifts the limit", async ({ page, login, snap }) => {
  test.setTimeout(60_000);
  await login();
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Limit access" });
  // A group is named by its object id: a name is refused in words, nothing stored.
  await form.getByLabel("Who").selectOption({ label: "An Entra group" });
  await form.getByLabel("Email, UPN or object id").fill("Helpdesk");
  await form.getByRole("button", { name: "Save limit" }).click();
  await expect(form.getByRole("alert")).toContainText("A group is named by its object id");

  const who = `helpdesk-${Date.now()}@contoso.test`;
  await form.getByLabel("Who").selectOption({ label: "A user" });
  await form.getByLabel("Email, UPN or object id").fill(who);
  await form.getByRole("checkbox", { name: E2E_EXPORT_TENANT.name }).check();
  await form.getByRole("button", { name: "Save limit" }).click();
  await expect(form.getByRole("status")).toContainText(`${who} now sees 1 tenant only.`);
  const row = page.getByTestId("access-limit-row").filter({ hasText: who });
  await expect(row).toContainText(E2E_EXPORT_TENANT.name);
  await expect(row).toContainText("Not signed in yet");
  await snap(page, "settings-users");

  await row.getByRole("button", { name: "Remove limit" }).click();
  await expect(page.getByTestId("access-limit-row").filter({ hasText: who })).toHaveCount(0);
});

test("a limit on an Entra group reaches its member at their Microsoft sign-in: the simulator's helpdesk Reader sees one tenant", async ({
  page,
  login,
  browser,
}) => {
  test.setTimeout(120_000);
  const sim = JSON.parse(readFileSync(join(process.cwd(), E2E_SIMULATOR_FILE), "utf8")) as E2eSimulatorInfo;
  const hana = sim.signIn.users.find((u) => u.upn.startsWith("hana.helpdesk@"))!;
  await login();
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Limit access" });
  await form.getByLabel("Who").selectOption({ label: "An Entra group" });
  await form.getByLabel("Email, UPN or object id").fill(sim.signIn.helpdeskGroupId);
  await form.getByRole("checkbox", { name: E2E_EXPORT_TENANT.name }).check();
  await form.getByRole("button", { name: "Save limit" }).click();
  await expect(form.getByRole("status")).toContainText("now sees 1 tenant only.");

  try {
    const member = await browser.newPage({ ignoreHTTPSErrors: true });
    await member.goto("/login");
    await member.getByRole("link", { name: "Sign in with Microsoft" }).click();
    await expect(member.getByRole("heading", { name: "Pick an account" })).toBeVisible();
    await member.locator(`button[data-upn="${hana.upn}"]`).click();
    await expect(member.getByTestId("admin-name")).toHaveText(hana.name);
    await expect(member.getByLabel("Tenant", { exact: true }).locator("option")).toHaveText([E2E_EXPORT_TENANT.name]);
    await member.goto("/devices");
    await expect(member.getByTestId("device-row")).toHaveCount(3);
    await member.close();
  } finally {
    await page.goto("/settings");
    const row = page.getByTestId("access-limit-row").filter({ hasText: sim.signIn.helpdeskGroupId });
    await row.getByRole("button", { name: "Remove limit" }).click();
    await expect(page.getByTestId("access-limit-row").filter({ hasText: sim.signIn.helpdeskGroupId })).toHaveCount(0);
  }
});
