/**
 * A token's upload volume is bounded per window, not only its number of uploads (issue 14): one token sending
 * full-size bodies back to back kept the server busy reading and parsing them. Its own file: the budget is set small
 * here, before the modules that read the configuration are loaded, and the limiter lives in the process.
 */
import { describe, expect, it } from "vitest";
import { sampleUpload } from "../setup/sample-reports";

// 256 KiB a body; 1 MiB a minute is less than a body per 2-second slice, so each slice admits one full-size body.
process.env.JOINSCOPE_INGEST_BYTES_PER_MINUTE = String(1024 * 1024);
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
  it("refuses with 429 and Retry-After a token sending faster than its byte rate, storing nothing; other tokens go on", async () => {
    const { token } = await createTenantWithToken(db);
    expect((await send(token, uploadOfSize("PC-BIG-1", 180 * 1024))).status).toBe(201);
    const before = await countRows(db);
    // 180 KiB of this slice's 256 are spent: the next big body does not fit, and is refused before it is read.
    const refused = await send(token, uploadOfSize("PC-BIG-2", 180 * 1024));
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(((await refused.json()) as { error: unknown }).error).toMatchObject({
      code: "upload-volume-exceeded",
      message: expect.stringMatching(/^This credential is sending upload data faster than its budget allows; retry in \d s$/),
    });
    expect(await countRows(db)).toEqual(before);
    // A small real report still fits in what is left; another token has its own budget.
    expect((await send(token, JSON.stringify(sampleUpload({ hostname: "PC-SMALL" })))).status).toBe(201);
    const other = await createTenantWithToken(db);
    expect((await send(other.token, uploadOfSize("PC-OTHER", 180 * 1024))).status).toBe(201);
    // After the slice, the token may send a full-size body again.
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await send(token, uploadOfSize("PC-BIG-3", 180 * 1024))).status).toBe(201);
  });
});
