import { Writable, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type Docker from 'dockerode';
import { LineSplitter } from '../logs/lines';
import { envList, mountsFor, type MountSpec } from './container-spec';
import { LABEL_LAB, LABEL_ROLE } from './labels';

export interface OneOffSpec {
  lab: string;
  /** `migrate`: the container is `<lab>-migrate`. */
  name: string;
  image: string;
  network: string;
  env: Record<string, string>;
  cmd: string[];
  entrypoint?: string[];
  workingDir?: string;
  user?: string;
  volumes?: MountSpec[];
  timeoutMs?: number;
}

export interface OneOffResult {
  exitCode: number;
  /** Everything it printed, stdout and stderr interleaved as they came. */
  output: string[];
}

/**
 * Runs a command once in a new container of the image (as `docker compose run --rm` does): on
 * the lab network, with the replicas' environment; each line of output as it comes; removed
 * afterwards whatever happened.
 */
export async function runOneOff(
  docker: Docker,
  spec: OneOffSpec,
  onLine: (line: string, stream: 'stdout' | 'stderr') => void = () => {},
): Promise<OneOffResult> {
  const name = `${spec.lab}-${spec.name}`;
  await docker
    .getContainer(name)
    .remove({ force: true })
    .catch(() => undefined);
  const container = await docker.createContainer({
    name,
    Image: spec.image,
    Env: envList(spec.env),
    Cmd: spec.cmd,
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    ...(spec.user ? { User: spec.user } : {}),
    Labels: { [LABEL_LAB]: spec.lab, [LABEL_ROLE]: 'one-off' },
    HostConfig: {
      NetworkMode: spec.network,
      Mounts: mountsFor(spec.lab, spec.volumes ?? []),
      RestartPolicy: { Name: 'no' },
    },
  });
  const output: string[] = [];
  try {
    const stream = (await container.attach({
      stream: true,
      stdout: true,
      stderr: true,
    })) as unknown as Readable;
    const ended = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
    const sink = (kind: 'stdout' | 'stderr'): Writable => {
      const lines = new LineSplitter();
      const emit = (line: string): void => {
        output.push(line);
        onLine(line, kind);
      };
      return new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(chunk).forEach(emit);
          callback();
        },
        final(callback) {
          const rest = lines.flush();
          if (rest !== undefined) emit(rest);
          callback();
        },
      });
    };
    const out = sink('stdout');
    const err = sink('stderr');
    docker.modem.demuxStream(stream, out, err);
    await container.start();
    const timeoutMs = spec.timeoutMs ?? 300_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${spec.cmd.join(' ')} did not finish within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    });
    const waited = (await Promise.race([container.wait(), timedOut]).finally(() => clearTimeout(timer))) as {
      StatusCode: number;
    };
    await ended;
    out.end();
    err.end();
    await Promise.all([finished(out), finished(err)]);
    return { exitCode: waited.StatusCode, output };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}
