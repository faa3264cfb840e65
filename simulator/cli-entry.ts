/**
 * `joinscope simulate`: runs the Entra ID + Graph simulator until SIGINT and prints what a
 * JoinScope instance (or the demo) needs to point at it. The printed client secrets are simulator
 * secrets, generated from the seed; they open nothing real.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { ensureSimulatorCertificates } from "./certificates";
import { createSimTenant } from "./create-sim-tenant";
import { loadTenantFromFile } from "./load-tenant-from-file";
import { startSimulator, type SimTenant, type SimulatorHandle } from "./server";

const USAGE = `Usage: joinscope simulate [options]

  --port <n>        HTTPS port on 127.0.0.1 (default 8443; 0 picks a free one)
  --devices <n>     machines per generated tenant (default 500)
  --seed <n>        generator seed (default 1); tenant k uses seed + k
  --tenants <k>     number of tenants (default 1)
  --from-file <p>   serve this admin export ({ "devices": [...] } in Graph shape) as the first tenant
  --latency <ms>    delay added to every response (default 0)
  --page-size <n>   default page size without $top (default 100)
  --cert-dir <dir>  where the CA and server certificate live (default data/simulator/tls)
  --json            print the connection details as one JSON object
  -h, --help        show this help`;

const argsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8443),
  devices: z.coerce.number().int().min(0).max(1_000_000).default(500),
  seed: z.coerce.number().int().default(1),
  tenants: z.coerce.number().int().min(1).max(50).default(1),
  "from-file": z.string().optional(),
  latency: z.coerce.number().int().min(0).max(60_000).default(0),
  "page-size": z.coerce.number().int().min(1).max(999).default(100),
  "cert-dir": z.string().optional(),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
});

export interface RunSimulatorCommandOptions {
  /** Stops the simulator (tests); otherwise SIGINT / SIGTERM do. */
  signal?: AbortSignal;
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
  /** Called once the server listens. */
  onReady?: (sim: SimulatorHandle) => void;
}

/** Returns the process exit code. */
export async function runSimulatorCommand(argv: string[], options: RunSimulatorCommandOptions = {}): Promise<number> {
  const out = options.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));

  let raw: ReturnType<typeof parseArgs>["values"];
  try {
    raw = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        devices: { type: "string" },
        seed: { type: "string" },
        tenants: { type: "string" },
        "from-file": { type: "string" },
        latency: { type: "string" },
        "page-size": { type: "string" },
        "cert-dir": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) {
    err(`${z.prettifyError(parsed.error)}\n\n${USAGE}`);
    return 2;
  }
  const args = parsed.data;
  if (args.help) {
    out(USAGE);
    return 0;
  }

  const tenants: SimTenant[] = [];
  for (let k = 0; k < args.tenants; k++) {
    const seed = args.seed + k;
    if (k === 0 && args["from-file"]) {
      const loaded = await loadTenantFromFile(args["from-file"]);
      if (!loaded.ok) {
        err(`Cannot load ${args["from-file"]}: ${loaded.error.message}`);
        return 1;
      }
      tenants.push(createSimTenant({ seed, loaded: loaded.tenant }).tenant);
    } else {
      const names = ["Contoso", "Fabrikam", "Northwind", "Tailspin", "Woodgrove", "Litware", "Adatum", "Proseware"];
      const tenantName = `${names[k % names.length]}${k >= names.length ? ` ${Math.floor(k / names.length) + 1}` : ""}`;
      tenants.push(createSimTenant({ seed, deviceCount: args.devices, tenantName, includeReports: false }).tenant);
    }
  }

  const certificates = await ensureSimulatorCertificates(args["cert-dir"] ? { dir: args["cert-dir"] } : {});
  let sim: SimulatorHandle;
  try {
    sim = await startSimulator({ port: args.port, tenants, latencyMs: args.latency, pageSize: args["page-size"], certificates });
  } catch (error) {
    err(`Cannot start the simulator: ${(error as Error).message}`);
    return 1;
  }

  if (args.json) {
    out(JSON.stringify({ authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl, caPath: sim.caPath, tenants: sim.tenants }));
  } else {
    out(`JoinScope simulator (Entra ID + Microsoft Graph) listening on ${sim.url}`);
    out(`  authority host : ${sim.authorityHost}   (MSAL: authority = https://${sim.authorityHost}/<tenantId>, knownAuthorities = ["${sim.authorityHost}"])`);
    out(`  graph base URL : ${sim.graphBaseUrl}   (e.g. ${sim.graphBaseUrl}/v1.0/devices)`);
    out(`  CA certificate : ${sim.caPath}`);
    out(`  Start the process that talks to it with:  NODE_EXTRA_CA_CERTS=${sim.caPath}`);
    for (const t of sim.tenants) {
      out("");
      out(`  tenant ${t.tenantName}: ${t.tenantId}  (${sim.state.tenant(t.tenantId).size} devices)`);
      out(`    client id     : ${t.clientId}`);
      out(`    client secret : ${t.clientSecret ?? "(certificate only)"}   (simulator secret, demo only)`);
      out(`    permissions   : ${t.permissions.join(", ")}`);
    }
    out("");
    out("Press Ctrl+C to stop.");
  }
  options.onReady?.(sim);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    if (options.signal) {
      if (options.signal.aborted) resolve();
      options.signal.addEventListener("abort", stop, { once: true });
    } else {
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    }
  });
  await sim.close();
  return 0;
}
