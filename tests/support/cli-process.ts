import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from './docker';

const BIN = fileURLToPath(new URL('../../bin/upstream-lab.mjs', import.meta.url));

/** `node bin/upstream-lab.mjs ...` (or another `script`) as a real child process, its output collected. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string> = {}, script = BIN) {
    this.child = spawn(process.execPath, [script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env },
    });
    this.child.stdout!.setEncoding('utf8').on('data', (text: string) => (this.stdout += text));
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get output(): string {
    return `--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`;
  }

  /** The first stdout match of `pattern`; fails early if the process exits first. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    let exited = false;
    void this.exited.then(() => (exited = true));
    try {
      return await eventually(() => {
        const match = pattern.exec(this.stdout);
        if (match) return match;
        if (exited) throw new Error(`exited before printing ${pattern}`);
        return undefined;
      }, timeoutMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.output}`, { cause: error });
    }
  }

  /** SIGINT, as Ctrl-C; SIGKILL and a failure with the output if it does not exit in time. */
  async stop(timeoutMs = 20_000): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs));
    const code = await Promise.race([this.exited, timer]);
    if (code === 'timeout') {
      this.child.kill('SIGKILL');
      throw new Error(`still running ${timeoutMs / 1000} s after SIGINT\n${this.output}`);
    }
    return code;
  }

  /** The exit code, or a failure with the output if it does not exit in time. */
  async exitCode(timeoutMs: number): Promise<number | null> {
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs));
    const code = await Promise.race([this.exited, timer]);
    if (code === 'timeout') throw new Error(`still running after ${timeoutMs} ms\n${this.output}`);
    return code;
  }
}
