import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { RateLimiterMemory, RateLimiterQueue } from "rate-limiter-flexible";

/**
 * Graph's throttling guidance (https://learn.microsoft.com/graph/throttling): on 429 or 503 wait for
 * Retry-After; on other 5xx and dropped connections back off exponentially with jitter. A per-tenant
 * request budget keeps JoinScope well under the identity limits (docs/domain.md, *Reading devices from Graph*).
 */
export interface ResilienceStats {
  requests: number;
  retries: number;
  throttledWaits: number;
  throttledMs: number;
}

export interface ResilienceOptions {
  /** Requests per second per tenant. Device list/delta with $select costs 1 RU: 20/s is ~6% of a small tenant's 3,500 RU per 10 s. */
  requestsPerSecond?: number;
  /**
   * A request budget counted over a longer window instead (the sign-in log's five requests per 10 seconds per app and
   * tenant, lib/signins/sign-in-requests.ts); overrides requestsPerSecond.
   */
  requestWindow?: { requests: number; seconds: number };
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest Retry-After honoured before giving up on the request. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const budgets = new Map<string, RateLimiterQueue>();

function budgetFor(key: string, points: number, seconds: number): RateLimiterQueue {
  const id = `${key}|${points}/${seconds}`;
  let queue = budgets.get(id);
  if (!queue) {
    queue = new RateLimiterQueue(new RateLimiterMemory({ points, duration: seconds }), { maxQueueSize: 10_000 });
    budgets.set(id, queue);
  }
  return queue;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_ERRORS = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_SOCKET|socket hang up|other side closed|fetch failed|terminated/i;

export class ResilienceMiddleware implements Middleware {
  private next: Middleware | undefined;
  readonly stats: ResilienceStats = { requests: 0, retries: 0, throttledWaits: 0, throttledMs: 0 };
  private readonly options: Required<Omit<ResilienceOptions, "requestWindow">>;
  private readonly window: { requests: number; seconds: number };

  constructor(
    private readonly budgetKey: string,
    options: ResilienceOptions = {},
  ) {
    this.options = {
      requestsPerSecond: options.requestsPerSecond ?? 20,
      maxRetries: options.maxRetries ?? 6,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 300_000,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      random: options.random ?? Math.random,
    };
    this.window = options.requestWindow ?? { requests: this.options.requestsPerSecond, seconds: 1 };
  }

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error("ResilienceMiddleware needs a next middleware");
    for (let attempt = 0; ; attempt++) {
      await budgetFor(this.budgetKey, this.window.requests, this.window.seconds).removeTokens(1);
      this.stats.requests++;
      let failure: unknown = null;
      try {
        context.response = undefined;
        await this.next.execute(context);
      } catch (error) {
        failure = error;
      }
      const status = context.response?.status;
      const retryable = failure ? RETRYABLE_ERRORS.test(errorText(failure)) : status !== undefined && RETRYABLE_STATUS.has(status);
      if (!retryable || attempt >= this.options.maxRetries) {
        if (failure) throw failure;
        return;
      }
      const retryAfterMs = failure ? null : parseRetryAfter(context.response?.headers.get("retry-after") ?? null);
      if (retryAfterMs !== null && retryAfterMs > this.options.maxRetryAfterMs) return;
      const delay = retryAfterMs ?? this.backoff(attempt);
      if (status === 429 || status === 503) {
        this.stats.throttledWaits++;
        this.stats.throttledMs += delay;
      }
      this.stats.retries++;
      // Drain the body of the failed attempt so the connection can be reused.
      await context.response?.body?.cancel().catch(() => undefined);
      await this.options.sleep(delay);
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + this.options.random() * (ceiling / 2));
  }
}

function errorText(error: unknown): string {
  const e = error as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  return `${e?.message ?? ""} ${e?.code ?? ""} ${e?.cause?.code ?? ""} ${e?.cause?.message ?? ""}`;
}

/** Retry-After is seconds (Graph) or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
