import { parseArgs } from "node:util";
import { CliError } from "../cli-error";

export const TENANT_USAGE = `joinscope tenant add --tenant-id GUID --name NAME
joinscope tenant list`;

export async function runTenantCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { db } = await import("@/lib/db/client");
  if (sub === "list") {
    const { listTenants } = await import("@/lib/tenants/list-tenants");
    const tenants = await listTenants(db);
    if (tenants.length === 0) process.stdout.write("No tenants. Add one with: joinscope tenant add --tenant-id GUID --name NAME\n");
    for (const t of tenants) process.stdout.write(`${t.tenantId}  ${t.name}  (${t.cloud})\n`);
    return;
  }
  if (sub === "add") {
    const { values } = parseArgs({ args: rest, options: { "tenant-id": { type: "string" }, name: { type: "string" } } });
    if (!values["tenant-id"] || !values.name) throw new CliError(`usage: ${TENANT_USAGE}`, 2);
    const { createTenant } = await import("@/lib/tenants/create-tenant");
    const result = await createTenant(db, { tenantId: values["tenant-id"], name: values.name, actor: "cli" });
    if (!result.ok) throw new CliError(result.error.message);
    process.stdout.write(`Added tenant ${values.name} (${values["tenant-id"].toLowerCase()})\n`);
    return;
  }
  throw new CliError(`usage: ${TENANT_USAGE}`, 2);
}
