/** The `joinscope` command as an admin runs it: the real bin, in a child process, against the test database. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./databases";

export interface JoinscopeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runJoinscope(args: string[], stdin?: Buffer | string): Promise<JoinscopeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/joinscope.mjs"), ...args], {
      cwd: ROOT,
      env: { ...process.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}
