import { parseArgs } from "node:util";
import { readSecret } from "../read-input";
import { CliError } from "../cli-error";

export const ADMIN_USAGE = `joinscope admin create --email EMAIL --name NAME [--role Reader|Operator|Admin]   (reads the password from standard input; default role Admin)
joinscope admin set-role --email EMAIL --role Reader|Operator|Admin   (a local account's role)
joinscope admin reset-password --email EMAIL      (reads the new password from standard input; ends the account's sessions)
joinscope admin disable --email EMAIL             (the account cannot sign in; its sessions end)
joinscope admin enable --email EMAIL              (and lifts a sign-in lock-out)
joinscope admin end-sessions --email EMAIL        (signs the account out everywhere)`;

const usage = () => new CliError(`usage: ${ADMIN_USAGE}`, 2);

/** Options as given, or a usage error (exit 2) for an unknown option, a stray argument or a missing value. */
function options<T extends Record<string, { type: "string" }>>(args: string[], spec: T): Partial<Record<keyof T, string>> {
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values as Partial<Record<keyof T, string>>;
  } catch {
    throw usage();
  }
}

/** Never from an argument: it would land in shell history and the process list. */
async function readPassword(): Promise<string> {
  return (await readSecret()).replace(/\r?\n$/, "");
}

export async function runAdminCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === "create") {
    const values = options(rest, { email: { type: "string" }, name: { type: "string" }, role: { type: "string" } });
    if (!values.email || !values.name) throw usage();
    const role = values.role ?? "Admin";
    if (role !== "Reader" && role !== "Operator" && role !== "Admin") throw new CliError("--role is Reader, Operator or Admin", 2);
    const password = await readPassword();
    const { db } = await import("@/lib/db/client");
    const { createAdminUser } = await import("@/lib/auth/admin-sessions");
    const result = await createAdminUser(db, { email: values.email, name: values.name, password, role });
    if (!result.ok) throw new CliError(result.error.message);
    process.stdout.write(`Created ${values.email} (${role})\n`);
    return;
  }
  if (sub === "set-role") {
    const values = options(rest, { email: { type: "string" }, role: { type: "string" } });
    if (!values.email || !values.role) throw usage();
    const { db } = await import("@/lib/db/client");
    const { setAdminRole } = await import("@/lib/auth/set-admin-role");
    const result = await setAdminRole(db, { email: values.email, role: values.role, actor: "cli" });
    if (!result.ok) throw new CliError(result.error.message, result.error.code === "invalid-input" ? 2 : 1);
    process.stdout.write(`${result.email} is now ${result.role} (was ${result.previous ?? "no role"})\n`);
    return;
  }
  if (sub !== "reset-password" && sub !== "disable" && sub !== "enable" && sub !== "end-sessions") throw usage();
  const { email } = options(rest, { email: { type: "string" } });
  if (!email) throw usage();
  const { db } = await import("@/lib/db/client");
  if (sub === "reset-password") {
    const password = await readPassword();
    const { resetAdminPassword } = await import("@/lib/auth/reset-admin-password");
    const result = await resetAdminPassword(db, { email, password, actor: "cli" });
    if (!result.ok) throw new CliError(result.error.message);
    process.stdout.write(`Reset the password of ${result.email}; ended ${result.sessionsEnded} ${result.sessionsEnded === 1 ? "session" : "sessions"}\n`);
    return;
  }
  if (sub === "end-sessions") {
    const { endAdminSessions } = await import("@/lib/auth/end-admin-sessions");
    const result = await endAdminSessions(db, { email, actor: "cli" });
    if (!result.ok) throw new CliError(result.error.message);
    process.stdout.write(`Ended ${result.sessionsEnded} ${result.sessionsEnded === 1 ? "session" : "sessions"} of ${result.email}\n`);
    return;
  }
  const { setAdminDisabled } = await import("@/lib/auth/set-admin-disabled");
  const result = await setAdminDisabled(db, { email, disabled: sub === "disable", actor: "cli" });
  if (!result.ok) throw new CliError(result.error.message);
  const verb = sub === "disable" ? "Disabled" : "Enabled";
  const ended = sub === "disable" ? `; ended ${result.sessionsEnded} ${result.sessionsEnded === 1 ? "session" : "sessions"}` : "";
  process.stdout.write(result.changed ? `${verb} ${result.email}${ended}\n` : `${result.email} was already ${sub}d\n`);
}
