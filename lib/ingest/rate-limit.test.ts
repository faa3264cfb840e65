/**
 * The in-memory budgets behind the upload endpoint's 429s (decision 011, issue 14), through their exported functions.
 * Small limits are set before the module reads the configuration.
 */
import { describe, expect, it } from "vitest";

process.env.JOINSCOPE_INGEST_MAX_BYTES = "4096";
// 300,000 bytes a minute: 10,000 per 2-second slice (more than one body of JOINSCOPE_INGEST_MAX_BYTES).
process.env.JOINSCOPE_INGEST_BYTES_PER_MINUTE = "300000";
process.env.JOINSCOPE_INGEST_AUTH_FAILURE_LIMIT = "3";
process.env.JOINSCOPE_INGEST_AUTH_FAILURE_WINDOW_SECONDS = "600";

const { checkAuthFailureBudget, checkByteBudget, consumeByteBudget, recordAuthFailure } = await import("./rate-limit");

describe("the byte budget per credential", () => {
  it("admits a declared body of exactly what is left of the slice, not a byte more, and nothing once it is spent", async () => {
    expect(await checkByteBudget("fresh", 20_000)).toEqual({ allowed: true, remaining: 10_000 });
    expect(await consumeByteBudget("k", 6_000)).toEqual({ allowed: true, remaining: 4_000 });
    expect(await checkByteBudget("k", 4_000)).toEqual({ allowed: true, remaining: 4_000 });
    const over = await checkByteBudget("k", 4_001);
    expect(over.allowed).toBe(false);
    expect(!over.allowed && over.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(!over.allowed && over.retryAfterSeconds).toBeLessThanOrEqual(2);
    expect(await consumeByteBudget("k", 4_000)).toEqual({ allowed: true, remaining: 0 });
    // Spent to the byte: a body of undeclared length is refused before it is read.
    expect((await checkByteBudget("k", null)).allowed).toBe(false);
  });
});

describe("the failed-authentication budget per client address", () => {
  it("counts down from JOINSCOPE_INGEST_AUTH_FAILURE_LIMIT and refuses for the rest of the window once spent", async () => {
    expect(await checkAuthFailureBudget("10.0.0.1")).toEqual({ allowed: true, remaining: 3 });
    await recordAuthFailure("10.0.0.1");
    expect(await checkAuthFailureBudget("10.0.0.1")).toEqual({ allowed: true, remaining: 2 });
    await recordAuthFailure("10.0.0.1");
    await recordAuthFailure("10.0.0.1");
    const refused = await checkAuthFailureBudget("10.0.0.1");
    expect(refused.allowed).toBe(false);
    // Retry-After: the window's 600 s, less the few milliseconds this test took.
    expect(!refused.allowed && refused.retryAfterSeconds).toBeGreaterThan(590);
    expect(await checkAuthFailureBudget("10.0.0.2")).toEqual({ allowed: true, remaining: 3 });
  });
});
