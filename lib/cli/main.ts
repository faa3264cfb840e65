/**
 * `joinscope` command line: parse and diagnose reports offline, manage tenants, agent tokens and admins,
 * apply migrations. Exit codes: 0 success, 1 bad input or failed operation, 2 usage error.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { CliError } from "./cli-error";
import { ADMIN_USAGE, runAdminCommand } from "./commands/admin-command";
import { AGENTS_USAGE, runAgentsCommand } from "./commands/agents-command";
import { DIAGNOSE_USAGE, runDiagnoseCommand } from "./commands/diagnose-command";
import { PARSE_USAGE, runParseCommand } from "./commands/parse-command";
import { runTenantCommand, TENANT_USAGE } from "./commands/tenant-command";
import { runSyncCommand, SYNC_USAGE } from "./commands/sync-command";
import { runTokenCommand, TOKEN_USAGE } from "./commands/token-command";

const USAGE = `JoinScope: why Entra ID calls a Windows device unregistered.

Usage:
  ${PARSE_USAGE}
  ${DIAGNOSE_USAGE}
  ${TENANT_USAGE.split("\n").join("\n  ")}
  ${TOKEN_USAGE.split("\n").join("\n  ")}
  ${AGENTS_USAGE.split("\n").join("\n  ")}
  ${ADMIN_USAGE.split("\n").join("\n  ")}
  ${SYNC_USAGE}
  joinscope simulate [--port N] [--devices N] [--seed N] [--tenants K] [--from-file FILE] [--latency MS]
  joinscope db:migrate   (applies migrations to DATABASE_URL)
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case "parse":
      return runParseCommand(args);
    case "diagnose":
      return runDiagnoseCommand(args);
    case "tenant":
      return runTenantCommand(args);
    case "token":
      return runTokenCommand(args);
    case "agents":
      return runAgentsCommand(args);
    case "admin":
      return runAdminCommand(args);
    case "sync":
      return runSyncCommand(args);
    case "simulate": {
      const { runSimulatorCommand } = await import("@/lib/simulator/cli-entry");
      const code = await runSimulatorCommand(args);
      if (code !== 0) throw new CliError("the simulator stopped with an error", code === 2 ? 2 : 1);
      return;
    }
    case "db:migrate": {
      const r = spawnSync(process.execPath, [join(import.meta.dirname, "../../scripts/db-migrate.mjs")], { stdio: "inherit" });
      if (r.status !== 0) throw new CliError("migration failed");
      return;
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return;
    default:
      throw new CliError(`unknown command "${command}"\n\n${USAGE}`, 2);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`joinscope: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(`joinscope: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
