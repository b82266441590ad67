/** An error meant for the person at the terminal: printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** Already shown to the user (as the lab's `error:` line): not printed again. */
    readonly printed = false,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
