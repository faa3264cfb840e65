import { gunzipSync } from "node:zlib";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { EXPORT_FORMATS } from "./export-format";
import type { ExportSource } from "./export-source";
import { CONTENT_ENCODING_MARK, SERVER_ENCODES_HEADER } from "./export-encoding";
import { exportReadableStream, exportResponse } from "./stream-export";

/** A source of `batches` batches of 1,000 device-like rows that counts how many batches were read. */
function countingSource(batches: number) {
  const state = { read: 0 };
  const source: ExportSource = {
    name: "devices",
    columns: [
      { key: "name" },
      { key: "deviceId" },
      { key: "openFindings" },
      { key: "openRules", flatten: (v) => (Array.isArray(v) ? v.join(", ") : String(v)) },
    ],
    count: async () => batches * 1000,
    async *batches() {
      for (let b = 0; b < batches; b++) {
        state.read++;
        yield Array.from({ length: 1000 }, (_, i) => [
          i === 0 && b === 0 ? "=1+1" : `PC-${b}-${i}`,
          `6e4cbe68-588b-499c-8c04-${String(b * 1000 + i).padStart(12, "0")}`,
          i % 4,
          i % 4 ? ["prt-missing", "object-deleted"] : [],
        ]);
      }
    },
  };
  return { source, state };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe("exportReadableStream", () => {
  it.each(EXPORT_FORMATS)("%s: reads batches only as the consumer pulls (a stalled download stops the reads), then all of them", async (format) => {
    const { source, state } = countingSource(40);
    const reader = exportReadableStream(source, format).getReader();
    await reader.read();
    await settle();
    // The first chunk and one chunk ahead: a few batches at most, never the 40.
    expect(state.read).toBeLessThanOrEqual(3);
    let bytes = 0;
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      bytes += next.value.length;
    }
    expect(state.read).toBe(40);
    expect(bytes).toBeGreaterThan(40_000);
  });

  it("a cancelled download stops reading", async () => {
    const { source, state } = countingSource(40);
    const reader = exportReadableStream(source, "csv").getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    await settle();
    expect(state.read).toBeLessThanOrEqual(3);
  });

  it("XLSX: the workbook opens with every row, typed, a formula-looking string a text cell", async () => {
    const { source } = countingSource(3);
    const body = Buffer.from(await new Response(exportReadableStream(source, "xlsx")).arrayBuffer());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe("devices");
    expect(sheet.rowCount).toBe(3001);
    expect(sheet.getRow(1).values).toEqual([undefined, "name", "deviceId", "openFindings", "openRules"]);
    expect(sheet.getRow(2).getCell(1).value).toBe("=1+1");
    expect(sheet.getRow(2).getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(3).getCell(3).value).toBe(1);
    expect(sheet.getRow(3).getCell(4).value).toBe("prt-missing, object-deleted");
  });

  it("CSV: BOM, header, neutralised cells, lists flattened; JSON Lines keeps lists and types", async () => {
    const { source } = countingSource(1);
    const bytes = Buffer.from(await new Response(exportReadableStream(source, "csv")).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString("utf8");
    expect(csv.startsWith("name,deviceId,openFindings,openRules\n'=1+1,")).toBe(true);
    expect(csv).toContain(',1,"prt-missing, object-deleted"\n');
    const lines = (await new Response(exportReadableStream(countingSource(1).source, "jsonl")).text()).trim().split("\n");
    expect(lines.length).toBe(1000);
    expect(JSON.parse(lines[1]!)).toEqual({
      name: "PC-0-1",
      deviceId: "6e4cbe68-588b-499c-8c04-000000000001",
      openFindings: 1,
      openRules: ["prt-missing", "object-deleted"],
    });
  });
});

describe("exportResponse", () => {
  const request = (headers: Record<string, string>) => new Request("http://joinscope.test/api/v1/devices/export", { headers });

  it("gzips CSV and JSON Lines only when the client accepts gzip and the server sends the route's encoding", async () => {
    for (const format of ["csv", "jsonl"] as const) {
      const plain = exportResponse(request({ "accept-encoding": "gzip" }), countingSource(2).source, format, "Contoso");
      expect(plain.headers.get(CONTENT_ENCODING_MARK)).toBeNull();
      expect(plain.headers.get("vary")).toBe("accept-encoding");
      const bytes = Buffer.from(await plain.arrayBuffer());
      const zipped = exportResponse(request({ "accept-encoding": "gzip, br", [SERVER_ENCODES_HEADER]: "1" }), countingSource(2).source, format, "Contoso");
      expect(zipped.headers.get(CONTENT_ENCODING_MARK)).toBe("gzip");
      expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).equals(bytes)).toBe(true);
      const refused = exportResponse(request({ "accept-encoding": "identity", [SERVER_ENCODES_HEADER]: "1" }), countingSource(2).source, format, "Contoso");
      expect(refused.headers.get(CONTENT_ENCODING_MARK)).toBeNull();
    }
    const xlsx = exportResponse(request({ "accept-encoding": "gzip", [SERVER_ENCODES_HEADER]: "1" }), countingSource(1).source, "xlsx", "Contoso");
    expect(xlsx.headers.get(CONTENT_ENCODING_MARK)).toBeNull();
    expect(xlsx.headers.get("vary")).toBeNull();
  });
});
