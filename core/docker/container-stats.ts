import type { Readable } from 'node:stream';
import type Docker from 'dockerode';

/** The parts of the engine's stats frame (`GET /containers/{id}/stats`) the figures are made from. */
export interface StatsFrame {
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: {
    usage?: number;
    limit?: number;
    stats?: { inactive_file?: number; total_inactive_file?: number; cache?: number };
  };
}

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** One sample: CPU % (100 = one core) and memory in use (bytes). */
export interface StatsSample {
  cpu: number;
  memory: number;
  memoryLimit: number | null;
}

/**
 * CPU % as `docker stats` computes it: the container's CPU time over the host's in the interval
 * between the frame's two readings, times the CPUs online. 0 on the first frame (no interval yet).
 */
export function cpuPercent(frame: StatsFrame): number {
  const now = frame.cpu_stats;
  const before = frame.precpu_stats;
  const cpuDelta = (now?.cpu_usage?.total_usage ?? 0) - (before?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (now?.system_cpu_usage ?? 0) - (before?.system_cpu_usage ?? 0);
  if (!before?.system_cpu_usage || systemDelta <= 0 || cpuDelta <= 0) return 0;
  const cpus = now?.online_cpus || now?.cpu_usage?.percpu_usage?.length || 1;
  return (cpuDelta / systemDelta) * cpus * 100;
}

/**
 * Memory in use as `docker stats` shows it: the usage less the page cache the kernel can drop
 * (cgroup v2's inactive_file, v1's total_inactive_file, else the cache).
 */
export function memoryBytes(frame: StatsFrame): number {
  const memory = frame.memory_stats;
  const usage = memory?.usage ?? 0;
  const cache =
    memory?.stats?.inactive_file ?? memory?.stats?.total_inactive_file ?? memory?.stats?.cache ?? 0;
  return Math.max(0, usage - (cache < usage ? cache : 0));
}

export function sampleOf(frame: StatsFrame): StatsSample {
  const limit = frame.memory_stats?.limit;
  return { cpu: cpuPercent(frame), memory: memoryBytes(frame), memoryLimit: limit ? limit : null };
}

/**
 * The engine's stats stream of one container (`docker stats`: a frame a second), until closed.
 * Closing before the engine answered closes the stream as soon as it arrives: nothing is left open.
 */
export class ContainerStatsStream {
  #stream: Readable | null = null;
  #closed = false;
  #partial = '';

  constructor(
    docker: Docker,
    readonly containerId: string,
    onSample: (sample: StatsSample) => void,
    onError: (error: Error) => void,
  ) {
    docker
      .getContainer(containerId)
      .stats({ stream: true })
      .then((stream) => {
        const readable = stream as unknown as Readable;
        if (this.#closed) {
          readable.destroy();
          return;
        }
        this.#stream = readable;
        readable.setEncoding('utf8');
        readable.on('data', (chunk: string) => this.#read(chunk, onSample));
        // The container went away: the engine ends the stream; an error is only worth a warning.
        readable.on('error', (error: Error) => {
          if (!this.#closed) onError(error);
        });
      })
      .catch((error: Error) => {
        if (!this.#closed) onError(error);
      });
  }

  /** Frames are JSON lines; a chunk may end inside one. */
  #read(chunk: string, onSample: (sample: StatsSample) => void): void {
    const lines = (this.#partial + chunk).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        onSample(sampleOf(JSON.parse(line) as StatsFrame));
      } catch {
        // A frame that is not JSON: skipped, the next one comes a second later.
      }
    }
  }

  get open(): boolean {
    return !this.#closed;
  }

  close(): void {
    this.#closed = true;
    this.#stream?.destroy();
    this.#stream = null;
  }
}
