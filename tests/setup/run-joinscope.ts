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

/**
 * `producer | joinscope ARGS` with a producer that never ends (`tail -f`, a device's disk piped in by mistake): writes
 * `line` repeatedly up to `maxBytes` and never closes standard input. A command that reads its input whole before
 * checking its size waits for an end that never comes: the run gives "still reading" after `waitMs`.
 */
export async function runJoinscopeOnEndlessInput(
  args: string[],
  line: string,
  maxBytes: number,
  waitMs = 20_000,
): Promise<{ code: number | null | "still reading"; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, "bin/joinscope.mjs"), ...args], { cwd: ROOT, stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  child.stdin.on("error", () => {}); // EPIPE once the command has stopped reading
  const chunk = Buffer.from(line.repeat(Math.ceil((1024 * 1024) / line.length)));
  let written = 0;
  let done = false;
  void exited.then(() => (done = true));
  while (!done && written < maxBytes) {
    written += chunk.byteLength;
    if (!child.stdin.write(chunk)) await Promise.race([new Promise((r) => child.stdin.once("drain", r)), exited]);
  }
  const code = await Promise.race([exited, new Promise<"still reading">((r) => setTimeout(() => r("still reading"), waitMs))]);
  if (code === "still reading") child.kill();
  return { code, stderr };
}
