import { E2E_TENANT } from "./constants";
import { expect, setTheme, test } from "./fixtures";

// e2e/seed.ts uploads the Contoso fixture reports, writes Contoso's directory objects through the sync's
// page writer and runs the findings lifecycle: PC-0142 has a thumbprint mismatch, PC-0466 is disabled, PC-0087's
// hybrid object was deleted.
test.beforeEach(async ({ login }) => {
  await login();
});

test("the Findings list shows critical findings and the rule filter narrows it (state in the URL)", async ({ page }) => {
  await page.goto("/findings");
  await expect(page.getByRole("heading", { name: "Findings", level: 1 })).toBeVisible();
  const rows = page.getByTestId("finding-row");
  await expect(rows.filter({ hasText: "Critical" }).first()).toBeVisible();
  await expect(rows.filter({ hasText: "thumbprint-mismatch" }).filter({ hasText: "PC-0142" })).toBeVisible();
  const all = await rows.count();
  expect(all).toBeGreaterThan(3);

  await page.getByLabel("Rule").selectOption("object-disabled");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/rule=object-disabled/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("PC-0466");
  await expect(rows.first()).toContainText("High");

  // Bad query-string values fall back to defaults instead of failing.
  await page.goto("/findings?severity=martian&sort=nonsense&page=-3&status=maybe");
  expect(await rows.count()).toBe(all);
});

test("a device's primary cause is marked and listed before the findings it explains; Show › Primary causes only hides them", async ({ page }) => {
  const rows = page.getByTestId("finding-row");
  // PC-0087's deleted hybrid object: device authentication fails and there is no PRT because of it.
  await page.goto("/findings?q=PC-0087");
  await expect(rows.first()).toHaveAttribute("data-rule", "object-deleted");
  await expect(rows.first().getByTestId("primary-cause")).toHaveText("Primary cause");
  for (const rule of ["device-auth-failed", "prt-missing"]) {
    await expect(rows.and(page.locator(`[data-rule="${rule}"]`)).getByTestId("explained-by")).toHaveText("Follows from Device object deleted");
  }
  await expect(page.getByTestId("primary-cause")).toHaveCount(1);

  // PC-0466's disabled object is high, the device authentication failure it causes critical: the cause comes first.
  await page.goto("/findings?q=PC-0466");
  await expect(rows.first()).toHaveAttribute("data-rule", "object-disabled");
  await expect(rows.first()).toContainText("High");
  await expect(rows.nth(1)).toHaveAttribute("data-rule", "device-auth-failed");
  await expect(rows.nth(1)).toContainText("Critical");

  await page.goto("/findings");
  const all = await rows.count();
  await page.getByLabel("Show").selectOption("only");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/primary=only/);
  await expect(page.getByTestId("explained-by")).toHaveCount(0);
  await expect(rows.and(page.locator('[data-rule="object-deleted"]')).filter({ hasText: "PC-0087" })).toBeVisible();
  expect(await rows.count()).toBeLessThan(all);
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", /primary=only/);
});

test("Export CSV downloads the filtered findings with a header row, flattened evidence and numbered steps", async ({ page }) => {
  await page.goto("/findings?severity=critical");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^joinscope-findings-contoso-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = (await (await download.createReadStream()).toArray())
    .map(String)
    .join("")
    .replace(/^\uFEFF/, "");
  const lines = text.trim().split(/\r?\n/);
  expect(lines[0]).toBe(
    "severity,rule,title,deviceId,objectId,hostname,status,firstSeen,lastSeen,resolvedAt,acknowledgedBy,ackComment,evidence,remediation,primary,explainedBy",
  );
  const row = lines.find((l) => l.includes("thumbprint-mismatch") && l.includes("dd5ac0a8-cb5f-461e-9269-2502cbabc065"));
  expect(row).toBeDefined();
  expect(row).toContain("PC-0142");
  expect(row).toMatch(/=[0-9A-F]{40} \(expected [0-9A-F]{40}\)/);
  expect(row).toContain("1. ");
  expect(lines.slice(1).every((l) => l.startsWith("critical,"))).toBe(true);
  // PC-0087's deleted object first, marked primary; the device authentication failure it explains names it.
  const pc0087 = lines.filter((l) => l.includes(",PC-0087,"));
  expect(pc0087.map((l) => l.split(",")[1])).toEqual(["object-deleted", "device-auth-failed"]);
  expect(pc0087[0]).toMatch(/,true,$/);
  expect(pc0087[1]).toMatch(/,false,object-deleted$/);
});

test("the export needs a dashboard session", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const response = await anonymous.get("/api/v1/findings/export");
  expect(response.status()).toBe(401);
  expect((await response.json()).error.code).toBe("unauthenticated");
  await anonymous.dispose();
});

test("the changes API: 401 without a session, 400 for a bad since, 404 for an unknown tenant, counts with a session", async ({ page, playwright, baseURL }) => {
  const url = `/api/v1/tenants/${E2E_TENANT.tenantId}/changes`;
  const anonymous = await playwright.request.newContext({ baseURL });
  expect((await anonymous.get(url)).status()).toBe(401);
  await anonymous.dispose();

  await page.goto("/findings"); // the context now carries the session cookie
  const bad = await page.request.get(`${url}?since=yesterday`);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe("invalid-query");
  expect((await page.request.get("/api/v1/tenants/00000000-0000-4000-8000-000000000000/changes")).status()).toBe(404);

  const ok = await page.request.get(`${url}?since=${encodeURIComponent(new Date(Date.now() - 7 * 24 * 3600_000).toISOString())}`);
  expect(ok.status()).toBe(200);
  const body = await ok.json();
  expect(body.tenantId).toBe(E2E_TENANT.tenantId);
  expect(body.counts.opened).toBeGreaterThan(0);
  expect(body.opened.length).toBe(Math.min(body.counts.opened, 200));
  expect(body.opened[0]).toEqual(
    expect.objectContaining({ rule: expect.any(String), severity: expect.any(String), subjectKey: expect.stringMatching(/^[doh]:/) }),
  );
  expect(Array.isArray(body.resolved) && Array.isArray(body.reopened)).toBe(true);

  const defaults = await (await page.request.get(url)).json();
  expect(new Date(defaults.until).getTime() - new Date(defaults.since).getTime()).toBeGreaterThan(0);
});

test("the Overview shows what changed since the last sync", async ({ page }) => {
  await page.goto("/");
  const card = page.getByTestId("changes-card");
  await expect(card.getByRole("heading", { name: "What changed since the last sync" })).toBeVisible();
  await expect(card.getByTestId("changes-opened")).toContainText(/\d+\s*Opened/);
});

for (const theme of ["light", "dark"] as const) {
  test(`findings screenshot (${theme})`, async ({ page, snap }) => {
    await page.goto("/findings");
    await setTheme(page, theme);
    await expect(page.getByTestId("finding-row").first()).toBeVisible();
    await snap(page, `findings-${theme}`);
    await page.goto("/");
    await expect(page.getByTestId("changes-card")).toBeVisible();
    await snap(page, `overview-changes-${theme}`);
  });
}
