import { describe, expect, it } from 'vitest';
import { explainStart } from '../../core/docker/converge';

describe("a replica that cannot start: the engine's words made into what to do", () => {
  it('an entrypoint without its executable bit', () => {
    const engine = Object.assign(new Error('(HTTP code 400) unexpected'), {
      json: {
        message:
          'failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/usr/src/app/entrypoint.sh": permission denied: unknown',
      },
    });
    expect(explainStart(engine).message).toMatch(
      /^the replicas' command \/usr\/src\/app\/entrypoint\.sh is not executable in the image: .*chmod \+x.*RUN chmod \+x \/usr\/src\/app\/entrypoint\.sh/,
    );
  });

  it('a command that is not in the image', () => {
    const engine = new Error('exec: "gunicorn": executable file not found in $PATH: unknown');
    expect(explainStart(engine).message).toMatch(
      /^the replicas' command gunicorn is not in the image .*--command/,
    );
  });

  it('anything else as it is', () => {
    const other = new Error('no such network');
    expect(explainStart(other)).toBe(other);
  });
});
