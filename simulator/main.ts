/**
 * `joinscope simulate` as a process of its own: lib/cli/main.ts starts this file (the CLI, like everything under lib/,
 * does not import the simulator). Exits with runSimulatorCommand's code.
 */
import { runSimulatorCommand } from "./cli-entry";

process.exitCode = await runSimulatorCommand(process.argv.slice(2));
