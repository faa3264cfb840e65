/**
 * Failed authentication on the upload endpoint is limited per client address (issue 14, item 6). Its own file: the
 * limiter lives in the process, and a client over its budget stays refused for the rest of the window.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { POST as enrolRoute } from "@/app/api/v1/agents/enrol/route";
import { POST as keyRoute } from "@/app/api/v1/agents/key/route";
import { POST } from "@/app/api/v1/reports/route";
import { revokeAgentDevice } from "@/lib/agent-devices/revoke-agent-device";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { handleFastPath } from "@/lib/ingest/node-fast-path";
import { countRows, createTenantWithToken } from "../setup/factories";
import { sampleUpload } from "../setup/sample-reports";

const LIMIT = config.JOINSCOPE_INGEST_AUTH_FAILURE_LIMIT;
const UNKNOWN_TOKEN = `jsa_${"A".repeat(43)}`;

function headers(token: string | null): Record<string, string> {
  return { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

describe("failed authentications per client address", () => {
  it("the Next.js route handler: 429 with Retry-After after the budget, before the token is looked up, per address", async () => {
    const send = (token: string | null, address: string, hostname: string) =>
      POST(
        new Request("http://joinscope.test/api/v1/reports", {
          method: "POST",
          body: JSON.stringify(sampleUpload({ hostname })),
          headers: { ...headers(token), [CLIENT_ADDRESS_HEADER]: address },
        }),
        { params: Promise.resolve({}) },
      );
    const { token } = await createTenantWithToken(db);
    for (let i = 0; i < LIMIT; i++) {
      const res = await send(i % 2 ? UNKNOWN_TOKEN : null, "198.51.100.7", "PC-GUESS");
      expect(res.status).toBe(401);
    }
    const before = await countRows(db);
    const refused = await send(UNKNOWN_TOKEN, "198.51.100.7", "PC-GUESS");
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(config.JOINSCOPE_INGEST_AUTH_FAILURE_WINDOW_SECONDS);
    // The agent logs the message: it says why and when to try again.
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "too-many-failed-authentications",
      message: `Too many failed authentications from this address; retry in ${retryAfter} s`,
    });
    // Even a valid token is not looked up from that address until the window passes.
    const valid = await send(token, "198.51.100.7", "PC-VALID-BLOCKED");
    expect(valid.status).toBe(429);
    expect(await countRows(db)).toEqual(before);
    // Another address is not affected.
    expect((await send(token, "198.51.100.8", "PC-OTHER-OK")).status).toBe(201);
    expect((await send(UNKNOWN_TOKEN, "198.51.100.8", "PC-OTHER")).status).toBe(401);
  });

  it("enrolment and key rotation share the budget: their failures count, and an address over it is refused on all three endpoints", async () => {
    const address = "198.51.100.20";
    const call = (route: typeof POST, path: string, credential: string | null, body: unknown) =>
      route(
        new Request(`http://joinscope.test${path}`, {
          method: "POST",
          body: JSON.stringify(body),
          headers: { ...headers(credential), [CLIENT_ADDRESS_HEADER]: address },
        }),
        { params: Promise.resolve({}) },
      );
    const machineKey = randomBytes(32).toString("base64url");
    const enrolBody = { hostname: "PC-ENROL", deviceId: null, agentVersion: "2.0.0", machineKey };
    const { token } = await createTenantWithToken(db, { allowsDirectUpload: false });
    const enrolled = await call(enrolRoute, "/api/v1/agents/enrol", token, enrolBody);
    expect(enrolled.status).toBe(201);
    const { deviceKey } = (await enrolled.json()) as { deviceKey: string };
    // A few guesses at the machine key with the real device key (each also spends one of the device's requests),
    // then guesses at secrets on enrolment and at device keys on rotation.
    for (let i = 0; i < LIMIT; i++) {
      const res =
        i < 3
          ? await call(keyRoute, "/api/v1/agents/key", deviceKey, { machineKey: randomBytes(32).toString("base64url") })
          : i % 2
            ? await call(enrolRoute, "/api/v1/agents/enrol", UNKNOWN_TOKEN, enrolBody)
            : await call(keyRoute, "/api/v1/agents/key", `jsd_${randomBytes(32).toString("base64url")}`, { machineKey });
      expect(res.status).toBe(i < 3 ? 403 : 401);
    }
    for (const [route, path, credential, body] of [
      [enrolRoute, "/api/v1/agents/enrol", token, enrolBody],
      [keyRoute, "/api/v1/agents/key", deviceKey, { machineKey }],
      [POST, "/api/v1/reports", deviceKey, sampleUpload({ hostname: "PC-ENROL" })],
    ] as const) {
      const refused = await call(route, path, credential, body);
      expect(refused.status, path).toBe(429);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("too-many-failed-authentications");
    }
  });

  it("refusals of a real credential in a fleet-wide state (enrolment-required, device-revoked) spend nothing of the address's budget", async () => {
    const address = "198.51.100.30";
    const call = (route: typeof POST, path: string, credential: string, body: unknown) =>
      route(
        new Request(`http://joinscope.test${path}`, {
          method: "POST",
          body: JSON.stringify(body),
          headers: { ...headers(credential), [CLIENT_ADDRESS_HEADER]: address },
        }),
        { params: Promise.resolve({}) },
      );
    const { token } = await createTenantWithToken(db, { allowsDirectUpload: false });
    const enrol = async (hostname: string) => {
      const res = await call(enrolRoute, "/api/v1/agents/enrol", token, {
        hostname,
        deviceId: null,
        agentVersion: "2.0.0",
        machineKey: randomBytes(32).toString("base64url"),
      });
      return (await res.json()) as { agentId: string; deviceKey: string };
    };
    const revoked = await enrol("PC-REVOKED-NAT");
    const active = await enrol("PC-ACTIVE-NAT");
    await revokeAgentDevice(db, { id: revoked.agentId, actor: "test" });
    // Behind one NAT: agents before version 2 whose token now requires enrolment, and a revoked device, all retrying.
    for (let i = 0; i < LIMIT + 5; i++) {
      const res =
        i % 2
          ? await call(POST, "/api/v1/reports", token, sampleUpload({ hostname: `PC-V1-${i}` }))
          : await call(POST, "/api/v1/reports", revoked.deviceKey, sampleUpload({ hostname: "PC-REVOKED-NAT" }));
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(i % 2 ? "enrolment-required" : "device-revoked");
    }
    // The enrolled agent sharing the address is not shut out.
    expect((await call(POST, "/api/v1/reports", active.deviceKey, sampleUpload({ hostname: "PC-ACTIVE-NAT" }))).status).toBe(201);
  });

  describe("the Node fast path over HTTP (the connection's address)", () => {
    let server: Server;
    let base = "";
    beforeAll(
      () =>
        new Promise<void>((resolve) => {
          server = createServer((req, res) => {
            if (!handleFastPath(req, res)) res.writeHead(404).end();
          }).listen(0, "127.0.0.1", () => {
            base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
            resolve();
          });
        }),
    );
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("429 after the budget, and X-Forwarded-For (no trusted proxy) does not move the client to another bucket", async () => {
      const { token } = await createTenantWithToken(db);
      const send = (t: string | null, forwardedFor?: string) =>
        fetch(`${base}/api/v1/reports`, {
          method: "POST",
          body: JSON.stringify(sampleUpload({ hostname: "PC-FAST" })),
          headers: { ...headers(t), ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
        });
      for (let i = 0; i < LIMIT; i++) expect((await send(UNKNOWN_TOKEN, `203.0.113.${i}`)).status).toBe(401);
      const refused = await send(UNKNOWN_TOKEN, "203.0.113.250");
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await send(token)).status).toBe(429);
    });
  });
});
