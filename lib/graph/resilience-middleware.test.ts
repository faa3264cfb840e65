import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { parseRetryAfter, ResilienceMiddleware, type ResilienceOptions } from "./resilience-middleware";

/** Graph's answers, one per attempt: a Response, an error to throw, or "nothing" (no response set). */
type Answer = Response | Error | "nothing";

let budgetKeys = 0;

/** The middleware in front of a fake next one; sleeps are recorded, not slept. */
function harness(answers: Answer[], options: ResilienceOptions = {}) {
  const slept: number[] = [];
  let calls = 0;
  const next: Middleware = {
    execute: async (context: Context) => {
      const answer = answers[Math.min(calls++, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      if (answer !== "nothing") context.response = answer;
    },
    setNext: () => undefined,
  };
  const middleware = new ResilienceMiddleware(`test-${++budgetKeys}`, {
    random: () => 0.5,
    ...options,
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  middleware.setNext(next);
  const context = { request: "/devices", options: {} } as Context;
  return { middleware, context, slept, calls: () => calls, run: () => middleware.execute(context) };
}

const status = (code: number, headers: Record<string, string> = {}) => new Response(null, { status: code, headers });
const errorWith = (message: string, fields: Record<string, unknown> = {}) => Object.assign(new Error(message), fields);

describe("ResilienceMiddleware", () => {
  it("refuses to run without a next middleware", async () => {
    await expect(new ResilienceMiddleware("alone").execute({ request: "/x", options: {} } as Context)).rejects.toThrow(
      "ResilienceMiddleware needs a next middleware",
    );
  });

  it("sends a request once when Graph answers it", async () => {
    const h = harness([status(200)]);
    await h.run();
    expect(h.context.response?.status).toBe(200);
    expect(h.middleware.stats).toEqual({ requests: 1, retries: 0, throttledWaits: 0, throttledMs: 0 });
    expect(h.slept).toEqual([]);
  });

  it("waits Retry-After's seconds on 429 and 503, and counts the wait as throttling", async () => {
    const h = harness([status(429, { "retry-after": "2" }), status(503, { "retry-after": "1" }), status(200)]);
    await h.run();
    expect(h.context.response?.status).toBe(200);
    expect(h.slept).toEqual([2_000, 1_000]);
    expect(h.middleware.stats).toEqual({ requests: 3, retries: 2, throttledWaits: 2, throttledMs: 3_000 });
  });

  it("backs off exponentially with jitter on 500, 502 and 504, which are not throttling", async () => {
    const h = harness([status(500), status(502), status(504), status(200)], { baseDelayMs: 100 });
    await h.run();
    // Between half and all of 100 x 2^attempt: with random() = 0.5, three quarters.
    expect(h.slept).toEqual([75, 150, 300]);
    expect(h.middleware.stats).toEqual({ requests: 4, retries: 3, throttledWaits: 0, throttledMs: 0 });
  });

  it("backs off from half the ceiling to all of it, and never beyond maxDelayMs", async () => {
    const low = harness([status(503), status(503), status(200)], { baseDelayMs: 1_000, random: () => 0 });
    await low.run();
    expect(low.slept).toEqual([500, 1_000]);
    expect(low.middleware.stats.throttledMs).toBe(1_500);
    const high = harness([status(503), status(503), status(200)], { baseDelayMs: 1_000, random: () => 1 });
    await high.run();
    expect(high.slept).toEqual([1_000, 2_000]);
    const capped = harness([status(500), status(500), status(500), status(200)], { baseDelayMs: 1_000, maxDelayMs: 2_500, random: () => 1 });
    await capped.run();
    expect(capped.slept).toEqual([1_000, 2_000, 2_500]);
  });

  it("uses 500 ms, doubled up to 30 s, and six retries by default", async () => {
    const h = harness([status(500)], { random: () => 1 });
    await h.run();
    expect(h.slept).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(h.context.response?.status).toBe(500);
    expect(h.middleware.stats).toMatchObject({ requests: 7, retries: 6 });
    const long = harness([status(502)], { random: () => 1, maxRetries: 8 });
    await long.run();
    expect(long.slept.slice(-3)).toEqual([16_000, 30_000, 30_000]);
  });

  it("gives the last answer back after maxRetries retries", async () => {
    const h = harness([status(503)], { maxRetries: 2 });
    await h.run();
    expect(h.context.response?.status).toBe(503);
    expect(h.calls()).toBe(3);
    expect(h.middleware.stats).toMatchObject({ requests: 3, retries: 2, throttledWaits: 2 });
    const none = harness([status(503), status(200)], { maxRetries: 0 });
    await none.run();
    expect(none.context.response?.status).toBe(503);
  });

  it("does not retry other statuses", async () => {
    for (const code of [200, 201, 400, 401, 403, 404, 501]) {
      const h = harness([status(code), status(200)]);
      await h.run();
      expect(h.context.response?.status, String(code)).toBe(code);
      expect(h.calls(), String(code)).toBe(1);
    }
  });

  it("gives up at once on a Retry-After longer than maxRetryAfterMs, and waits one exactly that long", async () => {
    const tooLong = harness([status(429, { "retry-after": "301" }), status(200)]);
    await tooLong.run();
    expect(tooLong.context.response?.status).toBe(429);
    expect(tooLong.slept).toEqual([]);
    const longest = harness([status(429, { "retry-after": "300" }), status(200)]);
    await longest.run();
    expect(longest.context.response?.status).toBe(200);
    expect(longest.slept).toEqual([300_000]);
    const own = harness([status(429, { "retry-after": "3" }), status(200)], { maxRetryAfterMs: 2_000 });
    await own.run();
    expect(own.context.response?.status).toBe(429);
  });

  it("retries dropped connections, named in the error, its code or its cause, and throws the last one", async () => {
    for (const failure of [
      errorWith("read ECONNRESET"),
      errorWith("request failed", { code: "ETIMEDOUT" }),
      errorWith("fetch failed", {}),
      errorWith("request failed", { cause: { code: "UND_ERR_SOCKET" } }),
      errorWith("request failed", { cause: { message: "other side closed" } }),
      errorWith("Socket hang up"),
    ]) {
      const h = harness([failure, status(200)]);
      await h.run();
      expect(h.context.response?.status, failure.message).toBe(200);
      expect(h.middleware.stats, failure.message).toEqual({ requests: 2, retries: 1, throttledWaits: 0, throttledMs: 0 });
      expect(h.slept, failure.message).toEqual([375]);
    }
    const always = harness([errorWith("connect ECONNREFUSED 127.0.0.1:443")], { maxRetries: 1 });
    await expect(always.run()).rejects.toThrow("connect ECONNREFUSED 127.0.0.1:443");
    expect(always.calls()).toBe(2);
  });

  it("throws any other error at once", async () => {
    const h = harness([new TypeError("Invalid URL"), status(200)]);
    await expect(h.run()).rejects.toThrow("Invalid URL");
    expect(h.calls()).toBe(1);
    expect(h.middleware.stats.retries).toBe(0);
  });

  it("reads each attempt's own answer: one that sets no response is not the previous 503 again", async () => {
    const h = harness([status(503), "nothing", status(503)]);
    await h.run();
    expect(h.calls()).toBe(2);
    expect(h.context.response).toBeUndefined();
  });

  it("drains the body of an answer it retries", async () => {
    let cancelled = 0;
    const body = new ReadableStream({ cancel: () => void cancelled++ });
    const h = harness([new Response(body, { status: 500 }), status(200)]);
    await h.run();
    expect(cancelled).toBe(1);
  });
});

describe("ResilienceMiddleware's waits", () => {
  const ok = (): Middleware => ({
    execute: async (context: Context) => void (context.response = new Response(null, { status: 200 })),
    setNext: () => undefined,
  });

  it("sleeps for real by default", async () => {
    let calls = 0;
    const middleware = new ResilienceMiddleware(`sleep-${++budgetKeys}`, { baseDelayMs: 200, random: () => 0 });
    middleware.setNext({
      execute: async (context: Context) => void (context.response = new Response(null, { status: calls++ ? 200 : 503 })),
      setNext: () => undefined,
    });
    const started = performance.now();
    await middleware.execute({ request: "/devices", options: {} } as Context);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90); // half of 200 ms at least
    expect(middleware.stats).toMatchObject({ requests: 2, retries: 1 });
  });

  it("holds a request that would exceed the tenant's budget until its window ends, across instances of the same tenant", async () => {
    const key = `budget-${++budgetKeys}`;
    const started = performance.now();
    for (let i = 0; i < 3; i++) {
      const middleware = new ResilienceMiddleware(key, { requestWindow: { requests: 2, seconds: 1 } });
      middleware.setNext(ok());
      await middleware.execute({ request: "/auditLogs/signIns", options: {} } as Context);
    }
    expect(performance.now() - started).toBeGreaterThanOrEqual(400); // the third waited for the second half of the window at least
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-12-07T03:00:00Z");

  it("reads seconds, spaces around them allowed", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(" 5 ", now)).toBe(5_000);
    expect(parseRetryAfter("0", now)).toBe(0);
  });

  it("reads an HTTP date as the time left until it, never below zero", () => {
    expect(parseRetryAfter("Mon, 07 Dec 2026 03:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Mon, 07 Dec 2026 02:59:00 GMT", now)).toBe(0);
  });

  it("is null for no value and for text that is neither", () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter("", now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("-5 seconds", now)).toBeNull();
    expect(parseRetryAfter("120s", now)).toBeNull();
    expect(parseRetryAfter("1e3", now)).toBeNull();
    expect(parseRetryAfter("s120", now)).toBeNull();
  });
});
