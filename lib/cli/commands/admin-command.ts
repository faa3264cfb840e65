import { parseArgs } from "node:util";
import { CliError } from "../cli-error";

export const ADMIN_USAGE = "joinscope admin create --email EMAIL --name NAME   (reads the password from standard input)";

export async function runAdminCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== "create") throw new CliError(`usage: ${ADMIN_USAGE}`, 2);
  const { values } = parseArgs({ args: rest, options: { email: { type: "string" }, name: { type: "string" } } });
  if (!values.email || !values.name) throw new CliError(`usage: ${ADMIN_USAGE}`, 2);
  // Never from an argument: it would land in shell history and the process list.
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  const { db } = await import("@/lib/db/client");
  const { createAdminUser } = await import("@/lib/auth/admin-sessions");
  const result = await createAdminUser(db, { email: values.email, name: values.name, password });
  if (!result.ok) throw new CliError(result.error.message);
  process.stdout.write(`Created admin ${values.email}\n`);
}
