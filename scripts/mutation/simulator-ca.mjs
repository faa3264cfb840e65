// The simulator's CA for a mutation run's test process: Node reads NODE_EXTRA_CA_CERTS only when a process starts,
// and Stryker's test runner inherits this process's environment (vitest.config.ts does the same for its workers).
import { spawnSync } from "node:child_process";

/** Creates the simulator's certificates if needed (simulator/certificates.ts, in a tsx child) and returns the CA's path. */
export function simulatorCaPath(root) {
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      'const { ensureSimulatorCertificates } = await import("./simulator/certificates.ts"); console.log((await ensureSimulatorCertificates()).caPath);',
    ],
    { cwd: root, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`could not prepare the simulator's certificates: ${r.stderr}`);
  return r.stdout.trim();
}
