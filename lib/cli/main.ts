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
import { EXPORT_USAGE, runExportCommand } from "./commands/export-command";
import { PARSE_USAGE, runParseCommand } from "./commands/parse-command";
import { PROXY_DIAGNOSE_USAGE, runProxyDiagnoseCommand } from "./commands/proxy-diagnose-command";
import { runSigninDiagnoseCommand, SIGNIN_DIAGNOSE_USAGE } from "./commands/signin-diagnose-command";
import { runSigninsCommand, SIGNINS_USAGE } from "./commands/signins-command";
import { runTenantCommand, TENANT_USAGE } from "./commands/tenant-command";
import { runSyncCommand, SYNC_USAGE } from "./commands/sync-command";
import { runTokenCommand, TOKEN_USAGE } from "./commands/token-command";

const SIMULATE_USAGE = "joinscope simulate [--port N] [--devices N] [--seed N] [--tenants K] [--from-file FILE] [--latency MS]";
const MIGRATE_USAGE = "joinscope db:migrate   (applies migrations to DATABASE_URL)";

const USAGE = `JoinScope: why Entra ID calls a Windows device unregistered.

Usage:
  ${PARSE_USAGE}
  ${DIAGNOSE_USAGE}
  ${SIGNIN_DIAGNOSE_USAGE}
  ${PROXY_DIAGNOSE_USAGE.split("\n").join("\n  ")}
  ${TENANT_USAGE.split("\n").join("\n  ")}
  ${TOKEN_USAGE.split("\n").join("\n  ")}
  ${AGENTS_USAGE.split("\n").join("\n  ")}
  ${ADMIN_USAGE.split("\n").join("\n  ")}
  ${SYNC_USAGE}
  ${SIGNINS_USAGE}
  ${EXPORT_USAGE.split("\n").join("\n  ")}
  ${SIMULATE_USAGE}
  ${MIGRATE_USAGE}
`;

interface Verb {
  usage: string;
  run(args: string[]): Promise<void>;
}

const VERBS: Record<string, Verb> = {
  parse: { usage: PARSE_USAGE, run: runParseCommand },
  diagnose: { usage: DIAGNOSE_USAGE, run: runDiagnoseCommand },
  "signin-diagnose": { usage: SIGNIN_DIAGNOSE_USAGE, run: runSigninDiagnoseCommand },
  "proxy-diagnose": { usage: PROXY_DIAGNOSE_USAGE, run: runProxyDiagnoseCommand },
  tenant: { usage: TENANT_USAGE, run: runTenantCommand },
  token: { usage: TOKEN_USAGE, run: runTokenCommand },
  agents: { usage: AGENTS_USAGE, run: runAgentsCommand },
  admin: { usage: ADMIN_USAGE, run: runAdminCommand },
  sync: { usage: SYNC_USAGE, run: runSyncCommand },
  signins: { usage: SIGNINS_USAGE, run: runSigninsCommand },
  export: { usage: EXPORT_USAGE, run: runExportCommand },
  simulate: {
    usage: SIMULATE_USAGE,
    // A process of its own, as db:migrate's script: nothing under lib/ imports the simulator (scripts/check-imports.mjs).
    run: async (args) => {
      const r = spawnSync(process.execPath, [...process.execArgv, join(import.meta.dirname, "../../simulator/main.ts"), ...args], { stdio: "inherit" });
      const code = r.status ?? 1;
      if (code !== 0) throw new CliError("the simulator stopped with an error", code === 2 ? 2 : 1);
    },
  },
  "db:migrate": {
    usage: MIGRATE_USAGE,
    run: async () => {
      const r = spawnSync(process.execPath, [join(import.meta.dirname, "../../scripts/db-migrate.mjs")], { stdio: "inherit" });
      if (r.status !== 0) throw new CliError("migration failed");
    },
  },
};

/** node:util parseArgs rejects an unknown option, a missing value or a stray argument with one of these codes. */
function isParseArgsError(error: unknown): error is Error {
  const code: unknown = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(USAGE);
    return;
  }
  const verb = Object.hasOwn(VERBS, command) ? VERBS[command] : undefined;
  if (!verb) throw new CliError(`unknown command "${command}"\n\n${USAGE}`, 2);
  // Every verb answers --help (and -h) with its own usage, before it parses anything or opens the database. The
  // simulator prints its own, longer help.
  if (command !== "simulate" && (args.includes("--help") || args.includes("-h"))) {
    process.stdout.write(`Usage:\n  ${verb.usage.split("\n").join("\n  ")}\n`);
    return;
  }
  try {
    await verb.run(args);
  } catch (error) {
    // An unknown option or a missing value is a usage error wherever a verb parses its arguments: exit 2 with the
    // verb's usage, not "unexpected error" and exit 1.
    if (isParseArgsError(error)) throw new CliError(`${error.message}\nusage: ${verb.usage}`, 2);
    throw error;
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
