import { readFile } from "node:fs/promises";
import ExcelJS from "exceljs";
import { E2E_EXPORT_TENANT, E2E_FORMULA_DEVICE_NAME } from "./constants";
import { expect, test } from "./fixtures";

// e2e/seed.ts: the export tenant holds three Entra joined objects, WG-0001, WG-0003 and one named like a formula.
test.beforeEach(async ({ login }) => {
  await login();
});

test("the Devices page's Export menu downloads the filtered list as CSV, XLSX and JSON Lines, each file opening with its rows", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Tenant", { exact: true }).selectOption({ label: E2E_EXPORT_TENANT.name });
  await expect(page.getByText(`for ${E2E_EXPORT_TENANT.name}`, { exact: false })).toBeVisible();
  await page.goto("/devices?sort=name");
  await expect(page.getByTestId("device-row")).toHaveCount(3);

  const save = async (name: string) => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name }).click()]);
    return { name: download.suggestedFilename(), bytes: await readFile((await download.path())!) };
  };

  const csv = await save("Export CSV");
  expect(csv.name).toMatch(/^joinscope-devices-woodgrove-exports-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = csv.bytes.toString("utf8");
  expect(text.startsWith("\uFEFF")).toBe(true);
  const lines = text.slice(1).trim().split(/\r?\n/);
  expect(lines[0]!.split(",").slice(0, 4)).toEqual(["name", "deviceId", "objectId", "state"]);
  // Name order, as on the page; the formula-looking name starts with a quote, so a spreadsheet shows it as text.
  expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual([`"'=HYPERLINK(""http://attacker.example/""`, "WG-0001", "WG-0003"]);

  const xlsx = await save("Export XLSX");
  expect(xlsx.name).toMatch(/\.xlsx$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  expect(sheet.rowCount).toBe(4);
  expect(sheet.getRow(2).getCell(1).value).toBe(E2E_FORMULA_DEVICE_NAME);
  expect(sheet.getRow(2).getCell(1).type).toBe(ExcelJS.ValueType.String);
  expect(sheet.getRow(3).getCell(1).value).toBe("WG-0001");

  const jsonl = await save("Export JSON Lines");
  expect(jsonl.name).toMatch(/\.jsonl$/);
  const objects = jsonl.bytes
    .toString("utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { name: string; trustType: string; state: string });
  expect(objects.map((o) => o.name)).toEqual([E2E_FORMULA_DEVICE_NAME, "WG-0001", "WG-0003"]);
  expect(objects.every((o) => o.trustType === "AzureAd" && o.state === "live")).toBe(true);

  // A filter of the page is a filter of its exports.
  await page.goto("/devices?sort=name&q=wg-0003");
  const filtered = await save("Export JSON Lines");
  expect(
    filtered.bytes
      .toString("utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { name: string }).name),
  ).toEqual(["WG-0003"]);
});
