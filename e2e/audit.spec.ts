import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { E2E_ADMIN, E2E_DATABASE_URL, E2E_EXPORT_TENANT, E2E_TENANT } from "./constants";
import { expect, test } from "./fixtures";

// Issue 20 item 6: the Audit page lists a sign-in (the login fixture's, through loginAdmin), an acknowledgement (made
// through the device page's lib function as another user) and an export (downloaded here), filters them by who,
// what, tenant and period, and exports what it shows.
test.beforeEach(async ({ login }) => {
  await login();
});

const ACK_ACTOR = "audit-e2e@joinscope.test";

test("the Audit page lists sign-ins, acknowledgements and exports, filters them and exports the filtered list", async ({ page, snap }) => {
  test.setTimeout(90_000);
  const ack = JSON.parse(
    execFileSync(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", join(process.cwd(), "e2e/acknowledge-as.ts"), ACK_ACTOR, E2E_TENANT.tenantId],
      {
        cwd: process.cwd(),
        env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, LOG_LEVEL: "silent" },
        encoding: "utf8",
      },
    ),
  ) as { findingId: string; rule: string };

  // An export of the Woodgrove tenant's devices, from its Devices page.
  await page.goto("/");
  await page.getByLabel("Tenant", { exact: true }).selectOption({ label: E2E_EXPORT_TENANT.name });
  await expect(page.getByText(`for ${E2E_EXPORT_TENANT.name}`, { exact: false })).toBeVisible();
  await page.goto("/devices");
  await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Audit", level: 1 })).toBeVisible();
  const rows = page.getByTestId("audit-row");
  await expect(rows.first()).toBeVisible();
  const filters = page.getByRole("search", { name: "Filter the audit log" });
  const apply = async (fields: { who?: string; what?: string; tenant?: string }) => {
    await page.goto("/audit");
    if (fields.who) await filters.getByLabel("Who").fill(fields.who);
    if (fields.what) await filters.getByLabel("What").selectOption({ label: fields.what });
    if (fields.tenant) await filters.getByLabel("Tenant").selectOption({ label: fields.tenant });
    await filters.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/\/audit\?/);
  };
  // The list is shared with every other test of the run: each check filters to its own entries.

  // Who: the acknowledging user's one entry, with its tenant and rule.
  await apply({ who: "audit-e2e" });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("finding.acknowledge");
  await expect(rows.first()).toContainText(E2E_TENANT.name);
  await expect(rows.first()).toContainText(ack.rule);
  await snap(page, "audit-filtered");

  // What: sign-ins, the fixture's among them.
  await apply({ who: E2E_ADMIN.email, what: "Sign-ins" });
  await expect(rows.first()).toBeVisible();
  for (const text of await rows.allTextContents()) {
    expect(text).toContain("admin.login");
    expect(text).toContain(E2E_ADMIN.email);
  }

  // What and tenant: this test's export of Woodgrove's devices.
  await apply({ what: "Exports", tenant: E2E_EXPORT_TENANT.name });
  await expect(rows.filter({ hasText: "export.devices" }).first()).toBeVisible();
  for (const text of await rows.allTextContents()) {
    expect(text).toContain("export.");
    expect(text).toContain(E2E_EXPORT_TENANT.name);
  }

  // A period in the future: nothing matches.
  await page.goto("/audit?what=sign-in&from=2999-01-01");
  await expect(page.getByText("No entries match these filters.")).toBeVisible();

  // The export of the filtered list.
  await page.goto("/audit?who=audit-e2e");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^joinscope-audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = (await readFile((await download.path())!)).toString("utf8").replace(/^\uFEFF/, "");
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toBe("When (UTC),Who,What,Tenant,Target,Detail");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`${ACK_ACTOR},finding.acknowledge,${E2E_TENANT.name}`);
});
