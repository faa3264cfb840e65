import { parseArgs } from "node:util";
import { CliError } from "../cli-error";
import { findTenantRef } from "../find-tenant-ref";

export const TOKEN_USAGE = `joinscope token create --name NAME [--tenant GUID|NAME] [--direct-upload]   (--direct-upload: agents before version 2 may upload with it)
joinscope token list [--tenant GUID|NAME] [--format json|text]
joinscope token require-enrolment ID   (direct uploads with it are refused; enrolment goes on)
joinscope token revoke ID`;

export async function runTokenCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { db } = await import("@/lib/db/client");
  if (sub === "create") {
    const { values } = parseArgs({ args: rest, options: { name: { type: "string" }, tenant: { type: "string" }, "direct-upload": { type: "boolean" } } });
    if (!values.name) throw new CliError(`usage: ${TOKEN_USAGE}`, 2);
    const tenantRef = await findTenantRef(db, values.tenant);
    const { createAgentToken } = await import("@/lib/agent-tokens/create-agent-token");
    const result = await createAgentToken(db, { tenantRef, name: values.name, actor: "cli", allowsDirectUpload: values["direct-upload"] === true });
    if (!result.ok) throw new CliError(result.error.message);
    const kind = result.allowsDirectUpload ? "enrols devices and accepts direct uploads" : "enrols devices only";
    process.stderr.write(`Created agent token "${result.name}" (id ${result.id}; ${kind}). It is shown once; store it now:\n`);
    process.stdout.write(`${result.token}\n`);
    return;
  }
  if (sub === "list") {
    const { values } = parseArgs({ args: rest, options: { tenant: { type: "string" }, format: { type: "string" } } });
    const tenantRef = values.tenant ? await findTenantRef(db, values.tenant) : undefined;
    const { listAgentTokens } = await import("@/lib/agent-tokens/list-agent-tokens");
    const tokens = await listAgentTokens(db, { tenantRef });
    if (values.format === "json") {
      process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
      return;
    }
    if (tokens.length === 0) process.stdout.write("No agent tokens.\n");
    for (const t of tokens) {
      const status = t.revokedAt ? `revoked ${t.revokedAt}` : `active, last used ${t.lastUsedAt ?? "never"}`;
      const direct = t.allowsDirectUpload ? `direct uploads on (${t.directUploadHosts} machines in 7 days)` : "enrolment only";
      process.stdout.write(
        `${t.id}  ${t.prefix}…  ${t.name}  [${t.tenantName}]  ${status}  ${direct}  devices: ${t.enrolledDevices}  reports: ${t.reportCount}\n`,
      );
    }
    return;
  }
  if (sub === "require-enrolment") {
    const id = rest[0];
    if (!id || rest.length > 1) throw new CliError(`usage: ${TOKEN_USAGE}`, 2);
    const { requireTokenEnrolment } = await import("@/lib/agent-tokens/require-token-enrolment");
    const result = await requireTokenEnrolment(db, { id, actor: "cli" });
    if (!result.ok) throw new CliError(result.error.message);
    process.stdout.write(result.alreadyRequired ? `Token ${id} already required enrolment\n` : `Token ${id} no longer accepts direct uploads\n`);
    return;
  }
  if (sub === "revoke") {
    const id = rest[0];
    if (!id || rest.length > 1) throw new CliError(`usage: ${TOKEN_USAGE}`, 2);
    const { revokeAgentToken } = await import("@/lib/agent-tokens/revoke-agent-token");
    const result = await revokeAgentToken(db, { id, actor: "cli" });
    if (!result.ok) throw new CliError(result.error.message);
    process.stdout.write(result.alreadyRevoked ? `Token ${id} was already revoked\n` : `Revoked token ${id}\n`);
    return;
  }
  throw new CliError(`usage: ${TOKEN_USAGE}`, 2);
}
