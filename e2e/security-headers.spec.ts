import type { APIResponse, Request } from "@playwright/test";
import { E2E_SYNC_TENANT_NAME } from "./constants";
import { expect, test } from "./fixtures";

// Against the production server (scripts/serve.mjs) as the suite starts it: plain HTTP on 127.0.0.1, with neither
// JOINSCOPE_PUBLIC_URL nor JOINSCOPE_TRUST_PROXY set, so every forwarded header a client sends is its own claim.

test.beforeEach(async ({ login }) => {
  await login();
});

const TENANT_COOKIE = "joinscope_tenant";

/** Switches the tenant in the browser and returns the server-action request the page sent for it. */
async function captureTenantAction(page: import("@playwright/test").Page): Promise<Request> {
  await page.goto("/");
  const sent = page.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined);
  await page.getByLabel("Tenant", { exact: true }).selectOption({ label: E2E_SYNC_TENANT_NAME });
  return sent;
}

function tenantCookie(response: APIResponse): string | undefined {
  return response
    .headersArray()
    .filter((h) => h.name.toLowerCase() === "set-cookie")
    .map((h) => h.value)
    .find((v) => v.startsWith(`${TENANT_COOKIE}=`));
}

test("a server action is refused from a foreign Origin with a forged X-Forwarded-Host, and works from the real host", async ({ page, baseURL }) => {
  const action = await captureTenantAction(page);
  const replay = (headers: Record<string, string>) =>
    page.request.post(action.url(), {
      headers: {
        "next-action": action.headers()["next-action"]!,
        "content-type": action.headers()["content-type"]!,
        accept: "text/x-component",
        ...headers,
      },
      data: action.postDataBuffer()!,
      maxRedirects: 0,
    });

  // The browser of an admin visiting evil.example: Origin is evil.example, and the attacker's page cannot set
  // X-Forwarded-Host, but a client talking to the server directly can. Next.js's CSRF check compares the two.
  const forged = await replay({ origin: "http://evil.example", "x-forwarded-host": "evil.example" });
  expect(forged.status()).toBeGreaterThanOrEqual(400);
  expect(tenantCookie(forged)).toBeUndefined();

  const real = await replay({ origin: new URL(baseURL!).origin });
  expect(real.status()).toBe(200);
  expect(tenantCookie(real)).toBeDefined();
});

test("a client's X-Forwarded-Proto: https does not make cookies Secure or turn on HSTS over plain HTTP", async ({ page, baseURL }) => {
  const action = await captureTenantAction(page);
  const response = await page.request.post(action.url(), {
    headers: {
      "next-action": action.headers()["next-action"]!,
      "content-type": action.headers()["content-type"]!,
      accept: "text/x-component",
      origin: new URL(baseURL!).origin,
      "x-forwarded-proto": "https",
    },
    data: action.postDataBuffer()!,
  });
  expect(response.status()).toBe(200);
  const cookie = tenantCookie(response);
  expect(cookie).toBeDefined();
  expect(cookie).not.toMatch(/;\s*secure/i);
  expect(response.headers()["strict-transport-security"]).toBeUndefined();
});

test("pages carry a nonce Content-Security-Policy that Next.js's scripts use, fresh per request", async ({ page }) => {
  const first = await page.request.get("/", { headers: { "x-forwarded-proto": "https" } });
  const csp = first.headers()["content-security-policy"] ?? "";
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).toContain("'strict-dynamic'");
  expect(csp).not.toContain("unsafe-eval");
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).toContain("frame-ancestors 'none'");
  const html = await first.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  expect(first.headers()["permissions-policy"]).toContain("camera=()");
  expect(first.headers()["strict-transport-security"]).toBeUndefined();

  const second = await page.request.get("/");
  expect(/'nonce-([^']+)'/.exec(second.headers()["content-security-policy"] ?? "")?.[1]).not.toBe(nonce);

  // The login page (no session) and the redirect to it carry the policy too.
  const redirect = await page.request.get("/devices", { headers: { cookie: "" }, maxRedirects: 0 });
  expect(redirect.headers()["content-security-policy"]).toContain("'nonce-");
});

test("API answers, the agent upload fast path and the agent script carry a policy that allows nothing", async ({ page }) => {
  const responses = [
    await page.request.get("/api/v1/sync-runs?tenant=not-a-uuid"),
    await page.request.post("/api/v1/reports", { data: "{}", headers: { "content-type": "application/json" } }),
    await page.request.get("/agent/Invoke-JoinScopeAgent.ps1"),
  ];
  for (const response of responses) {
    const headers = response.headers();
    expect(headers["content-security-policy"], response.url()).toBe("default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    expect(headers["permissions-policy"], response.url()).toContain("microphone=()");
    expect(headers["x-content-type-options"], response.url()).toBe("nosniff");
  }
  expect(responses[1]!.status()).toBe(401);
});
