/** An expected CLI failure: printed as `joinscope: <message>` on stderr, exit code as given. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}
