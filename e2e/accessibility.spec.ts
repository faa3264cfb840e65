import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "@playwright/test";
import { E2E_SIGNINS_TENANT_NAME } from "./constants";
import { expect, setTheme, test } from "./fixtures";

// axe-core (Deque's engine, the one browsers' accessibility panels use) over the main pages, light and dark, at 1,024
// px: the width of a small laptop or a docked window, where the tables must still be usable (issue 23, item 13).
// The engine is evaluated into the page through the DevTools protocol (not a <script> tag, which the pages'
// Content-Security-Policy would refuse), and it checks WCAG 2.1 A and AA: contrast, names, roles, landmarks.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
    return result.violations;
  });
  // One line per failing element, so a failure names the rule, the element and what is wrong.
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(" ")}: ${n.failureSummary ?? ""}`));
}

const PAGES: { name: string; open: (page: Page) => Promise<void> }[] = [
  { name: "Overview", open: (page) => visit(page, "/", "Overview") },
  { name: "Devices", open: (page) => visit(page, "/devices", "Devices") },
  { name: "Findings", open: (page) => visit(page, "/findings", "Findings") },
  { name: "Findings by cause", open: (page) => visit(page, "/findings?view=causes", "Findings") },
  { name: "Reports", open: (page) => visit(page, "/reports", "Reports") },
  { name: "Weekly review", open: (page) => visit(page, "/review", "Weekly review") },
  {
    name: "a device page",
    open: async (page) => {
      await visit(page, "/devices?q=PC-0466", "Devices");
      await page.getByTestId("device-row").first().getByRole("link").first().click();
      await expect(page.getByRole("heading", { name: "PC-0466", level: 1 })).toBeVisible();
    },
  },
  { name: "Search", open: (page) => visit(page, "/search?q=pc-04", "Search") },
  { name: "Settings", open: (page) => visit(page, "/settings", "Settings") },
  {
    name: "Sign-ins",
    open: async (page) => {
      await visit(page, "/signins", "Sign-ins");
      await page.locator("#tenant-switcher").selectOption({ label: E2E_SIGNINS_TENANT_NAME });
      await expect(page.getByTestId("sign-in-headline")).toBeVisible();
    },
  },
];

async function visit(page: Page, path: string, heading: string) {
  await page.goto(path);
  await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
}

test.beforeEach(async ({ login, page }) => {
  await login();
  await page.setViewportSize({ width: 1024, height: 768 });
});

for (const theme of ["light", "dark"] as const) {
  test(`axe finds no WCAG 2.1 AA violation on the main pages (${theme}, 1,024 px)`, async ({ page, snap }) => {
    test.setTimeout(120_000);
    await page.goto("/");
    await setTheme(page, theme);
    const found: string[] = [];
    for (const { name, open } of PAGES) {
      await open(page);
      found.push(...(await axeViolations(page)).map((v) => `${name}: ${v}`));
      await snap(page, `a11y-1024-${name.replace(/\W+/g, "-").toLowerCase()}-${theme}`);
    }
    expect(found).toEqual([]);
  });
}

test("at 1,024 px the list tables keep their key columns in view and scroll inside their box", async ({ page }) => {
  // Litware: 80 synced devices, more than a page of 25 and more than the box shows at once.
  await visit(page, "/devices", "Devices");
  await page.locator("#tenant-switcher").selectOption({ label: E2E_SIGNINS_TENANT_NAME });
  await expect(page.getByText(`Every device of ${E2E_SIGNINS_TENANT_NAME}:`)).toBeVisible();
  const table = page.getByRole("region", { name: /^Devices of / });
  // The box, not the page, scrolls: the page is no wider than the window.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
  const header = table.locator("thead");
  for (const column of ["Device", "Cause", "Open", "Last report", "Directory state"]) {
    await expect(header.getByRole("columnheader", { name: column, exact: true })).toBeVisible();
  }
  // The ids, the OS, the join type and the worst severity collapse first (the device page shows them), and nothing is cut off.
  await expect(header.locator("th", { hasText: /^DeviceId$/ })).toHaveCount(1);
  await expect(header.locator("th", { hasText: /^DeviceId$/ })).toBeHidden();
  await expect(header.locator("th", { hasText: /^OS$/ })).toBeHidden();
  await expect(header.getByRole("columnheader", { name: "Worst open finding", exact: true })).toBeHidden();
  await expect(header.locator("th", { hasText: /^Join type \(report\)$/ })).toBeHidden();
  expect(await table.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  // The header stays in view while the rows scroll under it.
  const firstHeaderCell = header.locator("th").first();
  const headerTop = await firstHeaderCell.evaluate((el) => el.getBoundingClientRect().top);
  await table.evaluate((el) => el.scrollBy(0, 400));
  expect(await table.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  expect(await firstHeaderCell.evaluate((el) => el.getBoundingClientRect().top)).toBeCloseTo(headerTop, 0);

  // Rows per page: a link per size, in the URL, back to page 1.
  await page.getByRole("navigation", { name: "Rows per page" }).getByRole("link", { name: "25", exact: true }).click();
  await expect(page).toHaveURL(/\/devices\?size=25$/);
  await expect(page.getByTestId("device-row")).toHaveCount(25);
  await expect(page.getByRole("navigation", { name: "Rows per page" }).locator('[aria-current="true"]')).toHaveText("25");
});
