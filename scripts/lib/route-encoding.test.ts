import { createServer, get, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { CONTENT_ENCODING_MARK, letRoutesEncode, SERVER_ENCODES_HEADER } from "./route-encoding.mjs";

/** One request to a server whose handler sets `headers` after letRoutesEncode; what the handler saw and what came back. */
async function exchange(headers: Record<string, string>, sent: Record<string, string> = {}) {
  let seen: IncomingMessage["headers"] = {};
  const server = createServer((req, res) => {
    letRoutesEncode(req, res);
    seen = { ...req.headers };
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.end("x");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers: sent }, resolve).on("error", reject),
    );
    res.resume();
    return { seen, received: res.headers };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("letRoutesEncode", () => {
  it("sends a route's encoding mark as content-encoding, and nothing else changes", async () => {
    const { received } = await exchange({ [CONTENT_ENCODING_MARK]: "gzip", "content-type": "text/csv" });
    expect(received["content-encoding"]).toBe("gzip");
    expect(received[CONTENT_ENCODING_MARK]).toBeUndefined();
    expect(received["content-type"]).toBe("text/csv");
  });

  it("tells the route the server encodes, whatever the client sent in that header", async () => {
    expect((await exchange({})).seen[SERVER_ENCODES_HEADER]).toBe("1");
    expect((await exchange({}, { [SERVER_ENCODES_HEADER]: "no" })).seen[SERVER_ENCODES_HEADER]).toBe("1");
    expect((await exchange({})).received["content-encoding"]).toBeUndefined();
  });
});
