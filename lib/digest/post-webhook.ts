import "server-only";
import { request } from "node:https";

export interface WebhookOptions {
  /** The whole exchange, connection to last byte read (default 10 s). */
  timeoutMs?: number;
  /** The most of the answer read (default 16 KB): the rest is dropped and the connection closed. */
  maxResponseBytes?: number;
}

export type WebhookResult = { ok: true; status: number } | { ok: false; message: string };

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024;

/** A short, single-line excerpt of a receiver's answer for the admin ("invalid_payload", Teams' "Bad payload…"). */
function excerpt(body: Buffer): string {
  const text = body.toString("utf8").replace(/\s+/g, " ").trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * POSTs a JSON body to an incoming webhook (Teams, Slack) over HTTPS and says whether it took it (a 2xx). Bounded so a
 * slow or hostile receiver cannot hold the scheduler or the Settings request: one deadline for the whole exchange, at
 * most `maxResponseBytes` of the answer read, no redirect followed (a webhook that redirects is misconfigured, and a
 * redirect could lead the server anywhere). The URL is a credential: it appears in no message or log line.
 */
export function postWebhook(url: string, body: unknown, options: WebhookOptions = {}): Promise<WebhookResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, message: "The webhook URL is not a URL" });
  }
  if (target.protocol !== "https:") return Promise.resolve({ ok: false, message: "The webhook URL must use https" });
  const payload = Buffer.from(JSON.stringify(body), "utf8");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  return new Promise<WebhookResult>((resolve) => {
    let settled = false;
    const finish = (result: WebhookResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      resolve(result);
    };
    const req = request(
      target,
      { method: "POST", headers: { "content-type": "application/json; charset=utf-8", "content-length": payload.length, "user-agent": "JoinScope digest" } },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        const answer = () => {
          const text = excerpt(Buffer.concat(chunks));
          if (status >= 200 && status < 300) finish({ ok: true, status });
          else if (status >= 300 && status < 400)
            finish({ ok: false, message: `The webhook answered HTTP ${status} (a redirect, not followed): check the URL` });
          else finish({ ok: false, message: `The webhook answered HTTP ${status}${text ? `: ${text}` : ""}` });
        };
        res.on("data", (chunk: Buffer) => {
          const room = maxBytes - size;
          if (room > 0) chunks.push(chunk.subarray(0, room));
          size += chunk.length;
          // Enough read to judge the answer: the rest is not wanted.
          if (size >= maxBytes) answer();
        });
        res.on("end", answer);
        res.on("error", () => finish({ ok: false, message: `The webhook's answer broke off (HTTP ${status})` }));
      },
    );
    const deadline = setTimeout(() => finish({ ok: false, message: `The webhook did not answer within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
    req.on("error", (error: NodeJS.ErrnoException) =>
      finish({ ok: false, message: `Could not reach the webhook's host (${error.code ?? "connection failed"})` }),
    );
    req.end(payload);
  });
}
