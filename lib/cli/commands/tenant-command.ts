import { parseArgs } from "node:util";
import { CliError } from "../cli-error";

export const TENANT_USAGE = `joinscope tenant add --tenant-id GUID --name NAME
joinscope tenant list
joinscope tenant set-app --tenant GUID|NAME --client-id GUID [--cloud global|usgov|usgovdod|china|custom]
      [--authority-host HOST --graph-url URL] (--secret-stdin | --certificate CERT.pem --private-key KEY.pem)
joinscope tenant test --tenant GUID|NAME
joinscope tenant probe --tenant GUID|NAME [--format text|json] [--delta-pages N]`;

export async function runTenantCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { db } = await import("@/lib/db/client");
  if (sub === "list") {
    parseArgs({ args: rest, options: {} }); // no options: an unknown one is a usage error
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
  if (sub === "set-app") {
    const { values } = parseArgs({
      args: rest,
      options: {
        tenant: { type: "string" },
        "client-id": { type: "string" },
        cloud: { type: "string" },
        "authority-host": { type: "string" },
        "graph-url": { type: "string" },
        "secret-stdin": { type: "boolean" },
        certificate: { type: "string" },
        "private-key": { type: "string" },
      },
    });
    if (!values["client-id"] || (!values["secret-stdin"] && !(values.certificate && values["private-key"]))) {
      throw new CliError(`usage: ${TENANT_USAGE}`, 2);
    }
    const { findTenantRef } = await import("../find-tenant-ref");
    const { CLI_INPUT_LIMITS, readInput, readSecret } = await import("../read-input");
    const tenantRef = await findTenantRef(db, values.tenant);
    let credential: { kind: "secret"; clientSecret: string } | { kind: "certificate"; certificatePem: string; privateKeyPem: string };
    if (values["secret-stdin"]) {
      // From standard input, never an argument: arguments end up in shell history and the process list.
      credential = { kind: "secret", clientSecret: (await readSecret()).trim() };
    } else {
      credential = {
        kind: "certificate",
        certificatePem: (await readInput(values.certificate!, CLI_INPUT_LIMITS.pem)).toString("utf8"),
        privateKeyPem: (await readInput(values["private-key"]!, CLI_INPUT_LIMITS.pem)).toString("utf8"),
      };
    }
    const { setTenantApp } = await import("@/lib/tenants/set-tenant-app");
    const result = await setTenantApp(db, {
      tenantRef,
      cloud: (values.cloud ?? "global") as "global",
      authorityHost: values["authority-host"],
      graphBaseUrl: values["graph-url"],
      clientId: values["client-id"],
      credential,
      actor: "cli",
    });
    if (!result.ok) throw new CliError(result.error.message);
    process.stdout.write("Saved the app registration (the credential is stored encrypted). Check it with: joinscope tenant test\n");
    return;
  }
  if (sub === "test") {
    const { values } = parseArgs({ args: rest, options: { tenant: { type: "string" } } });
    const { findTenantRef } = await import("../find-tenant-ref");
    const { testTenantConnection } = await import("@/lib/sync/test-tenant-connection");
    const report = await testTenantConnection(db, { tenantRef: await findTenantRef(db, values.tenant) });
    const mark = { ok: "✔", failed: "✖", warning: "!", skipped: "-" } as const;
    for (const c of report.checks) process.stdout.write(`${mark[c.status]} ${c.name}: ${c.message}\n`);
    if (!report.ok) throw new CliError("the connection test failed");
    return;
  }
  if (sub === "probe") {
    const { values } = parseArgs({ args: rest, options: { tenant: { type: "string" }, format: { type: "string" }, "delta-pages": { type: "string" } } });
    const deltaPages = values["delta-pages"] === undefined ? undefined : Number(values["delta-pages"]);
    if (
      (values.format && !["text", "json"].includes(values.format)) ||
      (deltaPages !== undefined && !(Number.isInteger(deltaPages) && deltaPages >= 1 && deltaPages <= 50))
    ) {
      throw new CliError(`usage: ${TENANT_USAGE}`, 2);
    }
    const { findTenantRef } = await import("../find-tenant-ref");
    const { probeTenant } = await import("@/lib/sync/probe-tenant");
    const outcome = await probeTenant(db, { tenantRef: await findTenantRef(db, values.tenant), deltaPages });
    if (!outcome.ok) throw new CliError(outcome.error.message);
    if (values.format === "json") {
      process.stdout.write(`${JSON.stringify(outcome.results, null, 2)}\n`);
      return;
    }
    for (const r of outcome.results) {
      process.stdout.write(
        `\n${r.name}\n  GET ${r.request}\n  expected: ${r.expected}\n  got: ${r.status === null ? "no HTTP answer" : `HTTP ${r.status}`}${r.errorCode ? ` ${r.errorCode}` : ""}\n`,
      );
      if (r.entries) {
        const props = Object.entries(r.entries.propertyCounts)
          .map(([k, n]) => `${k} ${n}`)
          .join(", ");
        process.stdout.write(
          `  entries: ${r.entries.count} on ${r.pages} page(s), ${r.entries.removed} removed${r.entries.removedReasons.length ? ` (reasons: ${r.entries.removedReasons.join(", ")})` : ""}\n`,
        );
        if (props) process.stdout.write(`  entries carrying each property: ${props}\n`);
      }
      process.stdout.write(`  shape: ${JSON.stringify(r.shape)}\n`);
    }
    return;
  }
  throw new CliError(`usage: ${TENANT_USAGE}`, 2);
}
