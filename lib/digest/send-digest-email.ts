import "server-only";
import nodemailer from "nodemailer";
import type { DigestEmail } from "./digest-payloads";

export const SMTP_SECURITY = ["tls", "starttls", "none"] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

export interface SmtpSettings {
  host: string;
  port: number;
  /** tls: implicit TLS (465); starttls: STARTTLS required (587); none: plain, for a relay inside the network. */
  security: SmtpSecurity;
  user: string | null;
  password: string | null;
  from: string;
  to: string[];
}

export type EmailResult = { ok: true } | { ok: false; message: string };

/**
 * Sends the digest through the tenant's SMTP server with nodemailer. Bounded like the webhooks: 10 s to connect and to
 * get the greeting, 15 s of silence on the socket at most. The password is only handed to nodemailer; the message
 * returned names what failed (the server's reply code and text), never the credentials.
 */
export async function sendDigestEmail(smtp: SmtpSettings, email: DigestEmail): Promise<EmailResult> {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === "tls",
    requireTLS: smtp.security === "starttls",
    ignoreTLS: smtp.security === "none",
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? "" } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 15_000,
    logger: false,
    debug: false,
  });
  try {
    await transport.sendMail({ from: smtp.from, to: smtp.to, subject: email.subject, text: email.text, html: email.html });
    return { ok: true };
  } catch (error) {
    const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
    const reply = e.response ? `: ${e.response.replace(/\s+/g, " ").slice(0, 200)}` : "";
    return { ok: false, message: `The SMTP server refused or could not be reached (${e.responseCode ?? e.code ?? "error"})${reply}` };
  } finally {
    transport.close();
  }
}
