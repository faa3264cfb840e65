/**
 * A token's upload volume is bounded per window, not only its number of uploads (issue 14): one token sending
 * full-size bodies back to back kept the server busy reading and parsing them. Its own file: the budget is set small
 * here, before the modules that read the configuration are loaded, and the limiter lives in the process.
 */
import { describe, expect, it } from "vitest";
import { sampleUpload } from "../setup/sample-reports";

const BUDGET = 400 * 1024;
process.env.JOINSCOPE_INGEST_BYTE_BUDGET = String(BUDGET);
process.env.JOINSCOPE_INGEST_MAX_BYTES = String(256 * 1024);

const { POST } = await import("@/app/api/v1/reports/route");
const { db } = await import("@/lib/db/client");
const { countRows, createTenantWithToken } = await import("../setup/factories");

/** A valid upload of about `size` bytes: a real report with long (but valid) event messages. */
function uploadOfSize(hostname: string, size: number): string {
  const base = sampleUpload({ hostname });
  const event = { id: 1098, time: "2026-11-29T07:40:12Z", level: "Error", task: "AadTokenBrokerPlugin Operation", message: "x".repeat(8000) };
  const events = Array.from({ length: Math.floor(size / 8100) }, () => event);
  return JSON.stringify({ ...base, events });
}

const send = (token: string, body: string) =>
  POST(
    new Request("http://joinscope.test/api/v1/reports", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "content-length": String(Buffer.byteLength(body)) },
    }),
    { params: Promise.resolve({}) },
  );

describe("upload volume per token", () => {
  it("refuses with 429 and Retry-After once a token has sent its budget of bytes, storing nothing; other tokens go on", async () => {
    const { token } = await createTenantWithToken(db);
    const first = await send(token, uploadOfSize("PC-BIG-1", 180 * 1024));
    expect(first.status).toBe(201);
    const second = await send(token, uploadOfSize("PC-BIG-2", 180 * 1024));
    expect(second.status).toBe(201);
    const before = await countRows(db);
    // 360 KiB spent of 400: the next full-size body does not fit, and is refused before it is read.
    const refused = await send(token, uploadOfSize("PC-BIG-3", 180 * 1024));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("upload-volume-exceeded");
    expect(await countRows(db)).toEqual(before);
    // A small real report still fits in what is left; another token has its own budget.
    expect((await send(token, JSON.stringify(sampleUpload({ hostname: "PC-SMALL" })))).status).toBe(201);
    const other = await createTenantWithToken(db);
    expect((await send(other.token, uploadOfSize("PC-OTHER", 180 * 1024))).status).toBe(201);
  });
});
