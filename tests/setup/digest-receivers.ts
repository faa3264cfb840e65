/**
 * Local stand-ins for the digest's receivers (tests/integration/digest.test.ts): an HTTPS server that plays a Teams
 * and a Slack incoming webhook (the simulator's certificate, which the test processes trust: vitest.config.ts), and an
 * SMTP server (smtp-server) that takes mail after checking the user name and password. Each records what it got.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { ensureSimulatorCertificates } from "@/simulator/certificates";

export interface WebhookHit {
  path: string;
  contentType: string | undefined;
  body: unknown;
}

/** How the receiver answers a path: `slow` never answers, `huge` streams megabytes, a number is the status. */
export type WebhookBehaviour = number | "slow" | "huge";

export async function startWebhookReceiver(behaviour: Record<string, WebhookBehaviour> = {}) {
  const { certPem, keyPem } = await ensureSimulatorCertificates();
  const hits: WebhookHit[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer({ cert: certPem, key: keyPem }, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const text = Buffer.concat(chunks).toString("utf8");
      hits.push({ path, contentType: req.headers["content-type"], body: text ? (JSON.parse(text) as unknown) : null });
      const b = behaviour[path] ?? 200;
      if (b === "slow") {
        open.add(res);
        return;
      }
      if (b === "huge") {
        res.writeHead(500, { "content-type": "text/plain" });
        const block = Buffer.alloc(64 * 1024, "x");
        let sent = 0;
        const pump = () => {
          while (sent < 64 && res.write(block)) sent++;
          if (sent < 64) res.once("drain", pump);
          else res.end();
        };
        res.on("error", () => undefined);
        pump();
        return;
      }
      // Slack answers "ok"; Teams' webhooks 200 with "1", Workflows 202 with no body.
      res.writeHead(b, { "content-type": "text/plain" });
      res.end(b === 200 ? "ok" : "invalid_payload");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `https://127.0.0.1:${port}${path}`,
    hits,
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ReceivedMail {
  from: string | undefined;
  to: string[];
  user: string | undefined;
  raw: string;
}

export async function startSmtpReceiver(credentials: { user: string; password: string }) {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    // A relay inside the network: no TLS, AUTH allowed in the clear (security "none" in the settings).
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.password) callback(null, { user: auth.username });
      else callback(new Error("Invalid user name or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === "string" ? session.user : undefined,
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
