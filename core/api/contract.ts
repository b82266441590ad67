/**
 * The one API of Upstream Lab: every command the renderer can send and every event it receives,
 * typed once and validated with zod at each edge (Electron IPC, the headless WebSocket). Imported
 * by core (the handlers), electron (the IPC transport), core/server (the WebSocket transport) and
 * the renderer (types and validation of what arrives).
 */
import { z } from 'zod';

export const backendName = z.string().regex(/^backend\d{1,3}$/, 'a backend is named backendN');
/** Valid as a container-name prefix, a network name and an image repository component. */
export const labName = z
  .string()
  .max(48)
  .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, 'use lower-case letters, digits and single . _ - between them');

export const RUNTIMES = ['docker', 'demo'] as const;
/**
 * How the balancer learns a backend failed. `nginx`: only from its own attempts (connect errors,
 * timeouts, max_fails within fail_timeout, one probe after it), as nginx does; the engine's events
 * are shown, never routed on. `engine`: also takes a backend out at the engine's event (dead,
 * paused, disconnected), as Traefik's Docker provider does: an extension nginx OSS lacks.
 */
export const FAILURE_DETECTIONS = ['nginx', 'engine'] as const;
export type FailureDetection = (typeof FAILURE_DETECTIONS)[number];
/** nginx's balancing methods; `hash` takes the settings' `hashKey` (and `hashConsistent`). */
export const METHODS = ['round_robin', 'least_conn', 'ip_hash', 'hash', 'random'] as const;
export type MethodKind = (typeof METHODS)[number];

/** The method in nginx's own words, as its directive reads: `hash $request_uri consistent`, `least_conn`. */
export function methodText(method: {
  kind: MethodKind;
  key?: string;
  consistent?: boolean;
  two?: boolean;
  leastConn?: boolean;
}): string {
  switch (method.kind) {
    case 'hash':
      return `hash ${method.key ?? ''}${method.consistent ? ' consistent' : ''}`;
    case 'random':
      return `random${method.two ? ' two' : ''}${method.two && method.leastConn ? ' least_conn' : ''}`;
    default:
      return method.kind;
  }
}

/** The settings' method in nginx's words. */
export function settingsMethodText(
  settings: Pick<LabSettings, 'method' | 'hashKey' | 'hashConsistent' | 'randomTwo'>,
): string {
  return methodText({
    kind: settings.method,
    key: settings.hashKey,
    consistent: settings.hashConsistent,
    two: settings.randomTwo,
  });
}

/** Per-backend parameters of the upstream (nginx `server` line). */
export const backendParams = z.object({
  weight: z.number().int().min(1).max(100),
  maxFails: z.number().int().min(0).max(100),
  failTimeoutSec: z.number().int().min(1).max(3600),
  backup: z.boolean(),
});
export type BackendParams = z.infer<typeof backendParams>;

/** An environment variable's name, as a shell and Docker accept it. */
export const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name is letters, digits and _');

export const labSettings = z.object({
  lab: labName,
  runtime: z.enum(RUNTIMES),
  /** Project folder (Dockerfile, maybe a compose file); empty = the bundled sample backend. */
  project: z.string().max(4096),
  /** The compose file (absolute, or relative to the project); empty = the one Compose would pick. */
  composeFile: z.string().max(4096),
  /** The app service to balance, when the compose file has several and no nginx conf says which. */
  service: z.string().max(256),
  replicas: z.number().int().min(1).max(20),
  /** Where the balancer listens: HOST:PORT on this machine; empty = the project's nginx port, else 127.0.0.1:8080. */
  listen: z.union([
    z.literal(''),
    z.string().regex(/^(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$/, 'listen is HOST:PORT'),
  ]),
  /** Replaces the image the Dockerfile's last stage starts FROM; empty = the Dockerfile's own. */
  baseImage: z.string().max(256),
  /** Docker Hub mirrors (e.g. docker.arvancloud.ir), tried in order when a registry cannot be reached. */
  registryMirrors: z.array(z.string().min(1).max(256)).max(10),
  /** PyPI simple index used when the Dockerfile's own cannot be reached, e.g. https://mirror-pypi.runflare.com/simple. */
  pipIndex: z.string().max(1024),
  /** No network at all: offline stand-ins and Debian packages, builds with --network none. */
  offline: z.boolean(),
  /** A folder of wheels for requirements Debian does not have. */
  wheelhouse: z.string().max(4096),
  /** For every replica, over the compose file's environment. */
  env: z.record(envName, z.string().max(65_536)),
  /** Read for compose interpolation (instead of .env) and into the replicas' environment. */
  envFiles: z.array(z.string().max(4096)).max(10),
  /** The replicas' command instead of the image's (shell words); empty = the compose file's or the image's. */
  command: z.string().max(4096),
  /** A health path of the app (2xx/3xx wanted); empty = GET / answered below 500. */
  readyPath: z.union([z.literal(''), z.string().max(1024).startsWith('/')]),
  /** `postgres`: a lab PostgreSQL the settings are pointed at (a project on SQLite with several replicas). */
  database: z.enum(['', 'postgres']),
  method: z.enum(METHODS),
  /** `hash KEY`: the key, nginx variables and text (`$request_uri`, `$arg_user$cookie_id`); used when method is hash. */
  hashKey: z.string().max(1024),
  /** `hash KEY consistent`: ketama consistent hashing (few keys move when a server joins or leaves). */
  hashConsistent: z.boolean(),
  /** `random two`: of two random picks, the one with fewer active connections; used when method is random. */
  randomTwo: z.boolean(),
  failureDetection: z.enum(FAILURE_DETECTIONS),
  /** Parameters applied to every backend unless overridden in `backends`. */
  defaults: backendParams,
  backends: z.record(backendName, backendParams.partial()),
});
export type LabSettings = z.infer<typeof labSettings>;

export const BACKEND_STATES = [
  'starting',
  'up',
  'unhealthy',
  'failed',
  'draining',
  'maintenance',
  'killed',
  'stopped',
  'paused',
  'disconnected',
  'exited',
  /** Its container was removed behind the lab's back: Restore recreates it. */
  'removed',
] as const;
export type BackendState = (typeof BACKEND_STATES)[number];

export interface BackendView extends BackendParams {
  name: string;
  state: BackendState;
  /** `127.0.0.1:32768`: where the balancer reaches it now. */
  addr: string | null;
  container: string | null;
  /** Requests in flight through the balancer. */
  active: number;
  requests: number;
  /** Share of the requests served in the last 10 s (0..1). */
  share: number;
  avgMs: number | null;
  p95Ms: number | null;
  lastError: string | null;
  /** nginx's failure count (max_fails bookkeeping). */
  fails: number;
  /** The balancer sends it requests now (whatever the engine says of its container). */
  inRotation: boolean;
  /** max_fails reached: when fail_timeout ends and one request probes it (epoch ms); null = not failed. */
  failedUntil: number | null;
  /** A balancer-side fault on its connections, described (`latency 200±50 ms`); null = none. */
  toxic: string | null;
  /** When a fault with auto-restore will be undone (epoch ms); null = no timer. */
  restoreAt: number | null;
  /** The version its current address runs (`v2`: the session's second image), if known. */
  version: string | null;
  /** The figures HAProxy's stats page shows per server. */
  figures: BackendFigures;
}

/** What a server answered, by status class; `errors`: attempts that got no response (refused, timed out, reset). */
export interface StatusClasses {
  '1xx': number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  errors: number;
}

/** One backend as HAProxy's stats page shows a server, since it was created (a re-created replica starts afresh). */
export interface BackendFigures {
  statuses: StatusClasses;
  /** Request bytes sent to it. */
  bytesIn: number;
  /** Response bytes received from it. */
  bytesOut: number;
  /** Its attempts that failed and were passed to the next server (proxy_next_upstream). */
  retries: number;
  /** Attempts that came to it after another server failed the request. */
  redispatches: number;
  /** The last active health check, HAProxy's words: `L7OK 200 in 2 ms`, `L4CON refused in 1 ms`; `no check` without one. */
  check: string;
  /** Time out of service since it first served (ms). */
  downtimeMs: number;
  /** When its state last changed (epoch ms). */
  lastChangeAt: number | null;
  /** Its container as the engine has it; null: none (the demo backends). */
  container: ContainerFacts | null;
}

export interface ContainerFacts {
  /** The container's short ID (12 hex digits). */
  id: string;
  /** The image's tag (`upstream-lab/default:latest`); `untagged` once a newer build took the tag. */
  image: string;
  /** The image's short ID. */
  imageId: string;
}

/** A container's last minute, one sample a second, oldest first. */
export interface ContainerSeries {
  /** CPU %, as `docker stats` computes it (100 = one core). */
  cpu: number[];
  /** Memory in use, bytes (usage less the page cache, as `docker stats`). */
  memory: number[];
  /** The container's memory limit (bytes), when the engine gives one. */
  memoryLimit: number | null;
}

/** Once a second while replicas run in containers: each backend's CPU and memory series. */
export interface ContainerSamples {
  t: number;
  backends: Record<string, ContainerSeries>;
}

/** One version (image) the replicas run, and what it did in the last 10 s. */
export interface VersionView {
  /** `v1`, `v2`, ...: in the order this session met them. */
  version: string;
  /** The image's short ID. */
  image: string;
  backends: string[];
  requests: number;
  /** Attempts that reached it, per second. */
  perSecond: number;
  /** Of those attempts, the share that failed or answered 5xx (0..1). */
  errorRate: number;
  p95Ms: number | null;
}

/** A new version beside the old, at a share of the requests, until promoted or rolled back. */
export interface CanaryView {
  state: 'building' | 'starting' | 'running' | 'promoting' | 'rolling-back';
  /** The share of requests it is given (%). */
  percent: number;
  /** Its version's label, once its image is known. */
  version: string | null;
  replicas: string[];
}

export const BUILD_STATES = ['idle', 'running', 'done', 'failed', 'cancelled'] as const;

export interface BuildStepView {
  index: number;
  total: number;
  instruction: string;
  state: 'running' | 'done' | 'failed';
  /** A step the lab added, not the project's Dockerfile (the labels it finds its images by). */
  ours: boolean;
}

export interface BuildView {
  state: (typeof BUILD_STATES)[number];
  steps: BuildStepView[];
  message: string | null;
  durationMs: number | null;
}

/** `updating`: a running lab rebuilding and rolling its replicas over to the new image (they serve throughout). */
export const LAB_STATES = [
  'idle',
  'building',
  'starting',
  'running',
  'updating',
  'stopping',
  'error',
] as const;

export interface EngineView {
  state: 'connected' | 'disconnected' | 'unknown';
  /** What is wrong and what to do about it, when disconnected. */
  message: string | null;
  version: string | null;
}

export interface ServiceView {
  name: string;
  /** The image it runs (an offline stand-in's tag when `substitute` is set). */
  image: string;
  /** What the stand-in is (`PostgreSQL 17 (Debian trixie)`), when the compose image could not be pulled. */
  substitute: string | null;
  state: 'starting' | 'ready' | 'stopped';
  /** Where it is published on this machine (`127.0.0.1:49153`), if it is. */
  addr: string | null;
}

/** One file of the build context sent differently from the project on disk, and why. */
export interface ContextChangeView {
  file: string;
  reasons: string[];
  diff: string;
}

/** A file of the project as written (its Dockerfile, its nginx conf), shown read-only with explanations. */
export interface ProjectFileView {
  kind: 'dockerfile' | 'nginx';
  /** Relative to the project folder. */
  file: string;
  text: string;
}

/** How the project runs as a lab, read before anything starts, and what happened to it since. */
export interface ProjectView {
  source: 'compose' | 'dockerfile' | 'demo';
  dir: string;
  composeFile: string | null;
  roles: Array<{ service: string; role: 'balancer' | 'replica' | 'service'; detail: string }>;
  warnings: string[];
  services: ServiceView[];
  changes: ContextChangeView[];
  substitutes: Array<{ image: string; title: string }>;
  /** The Dockerfile the replicas are built from and the nginx conf that drives the balancer. */
  files: ProjectFileView[];
  migrate: {
    state: 'none' | 'waiting' | 'running' | 'done' | 'failed';
    where: string | null;
    output: string[];
  };
}

/** A lab an ended run left behind: what Remove takes away (containers, networks) and keeps (volumes). */
export interface LeftoverView {
  lab: string;
  containers: number;
  running: number;
  networks: string[];
  volumes: string[];
  /** The run that left it (`pid 41 on host vm since 10:02:03`), when recorded. */
  owner: string | null;
}

export interface LabView {
  state: (typeof LAB_STATES)[number];
  error: string | null;
  settings: LabSettings;
  engine: EngineView;
  /** `http://127.0.0.1:8080` once listening. */
  url: string | null;
  upstream: string | null;
  /** The running upstream's balancing method in nginx's words (`hash $request_uri consistent`); null before a start. */
  method: string | null;
  backends: BackendView[];
  build: BuildView;
  traffic: TrafficView;
  chaos: ChaosView;
  /** Labs whose containers a run that is gone left on the engine: adopt or remove them. */
  leftovers: LeftoverView[];
  /** The project as the lab runs it (null before the first start). */
  project: ProjectView | null;
  /** `up --watch` / the dashboard's toggle: saved files reach the running replicas. */
  watching: boolean;
  /** The versions the replicas run now, with their figures side by side. */
  versions: VersionView[];
  canary: CanaryView | null;
}

export const BACKEND_ACTIONS = [
  'kill',
  'stop',
  'pause',
  'restore',
  'restart',
  'disconnect',
  'drain',
  'maintenance',
] as const;
export type BackendAction = (typeof BACKEND_ACTIONS)[number];

export const trafficOptions = z
  .object({
    /** Open loop: requests per second. */
    rate: z.number().positive().max(100_000).optional(),
    /** Closed loop: requests in flight. */
    concurrency: z.number().int().min(1).max(1000).optional(),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']).default('GET'),
    path: z.string().startsWith('/').max(2048).default('/'),
    /** 0 = until stopped. */
    durationSec: z.number().min(0).max(86_400).default(0),
  })
  .strict()
  .refine((o) => (o.rate === undefined) !== (o.concurrency === undefined), 'give either rate or concurrency');
export type TrafficOptions = z.infer<typeof trafficOptions>;

export interface TrafficView {
  running: boolean;
  options: TrafficOptions | null;
  /** sent = ok + failed + inFlight + cutOff. */
  sent: number;
  ok: number;
  failed: number;
  /** Sent, not answered yet. */
  inFlight: number;
  /** In flight when the run was stopped: the balancer logs them as 499 (the client went away). */
  cutOff: number;
  /** Open loop: due but never sent (too many in flight already). */
  dropped: number;
  /** Requests per second over the last second; 0 once stopped. */
  rps: number;
  /** req/s of the last samples, oldest first (at most 60). */
  history: number[];
  /** The run's latencies so far, in equal-width ranges. */
  histogram: Array<{ fromMs: number; toMs: number; count: number }>;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export const FAULT_ACTIONS = ['kill', 'stop', 'pause', 'disconnect'] as const;

export const chaosOptions = z
  .object({
    /** A random backend every this many seconds. */
    everySec: z.number().min(1).max(3600),
    actions: z.array(z.enum(FAULT_ACTIONS)).min(1),
    /** Each fault is undone after this long. */
    restoreAfterSec: z.number().min(0.5).max(3600),
  })
  .strict();
export type ChaosOptions = z.infer<typeof chaosOptions>;

export interface ChaosView {
  running: boolean;
  options: ChaosOptions | null;
  /** Epoch ms of the next fault. */
  next: number | null;
  last: { t: number; backend: string; action: string } | null;
}

export const toxic = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('latency'),
      ms: z.number().min(0).max(60_000),
      jitterMs: z.number().min(0).max(60_000),
    })
    .strict(),
  z.object({ kind: z.literal('reset') }).strict(),
  z.object({ kind: z.literal('hang') }).strict(),
  z.object({ kind: z.literal('bandwidth'), kbps: z.number().min(1).max(10_000_000) }).strict(),
]);

/** How many replicas a rolling update replaces at once: started beside the old (surge) or after it (unavailable). */
export const rolloutWaves = z
  .object({
    maxSurge: z.number().int().min(0).max(20).default(1),
    maxUnavailable: z.number().int().min(0).max(20).default(0),
  })
  .strict()
  .refine((w) => w.maxSurge + w.maxUnavailable >= 1, {
    message: 'max surge and max unavailable cannot both be 0: nothing could be replaced',
  });

export const EXPORT_FORMATS = ['nginx', 'compose', 'report-json', 'report-csv', 'report-html'] as const;

/** A terminal's size in character cells, as xterm measures it. */
export const terminalSize = z.object({
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(1).max(500),
});
export type TerminalSize = z.infer<typeof terminalSize>;

/** Keystrokes and pastes are sent in pieces of at most this many bytes (base64 makes them a third longer). */
export const TERMINAL_WRITE_BYTES = 32 * 1024;
/** A terminal of this connection, by the id `terminal.open` answered. */
const terminalId = z.number().int().nonnegative();

/** Every command: its input schema, and (as a type) its result. */
export const commandInputs = {
  'lab.get': z.object({}).strict(),
  'lab.start': labSettings.partial().strict(),
  'lab.stop': z.object({}).strict(),
  /** Build first, then a rolling update of the running lab's replicas to the new image. */
  'lab.rollout': rolloutWaves,
  /** Build first, then `replicas` of the new version beside the others, given `percent` of the requests. */
  'canary.start': z
    .object({
      percent: z.number().int().min(1).max(90).default(10),
      replicas: z.number().int().min(1).max(5).default(1),
    })
    .strict(),
  /** The rest roll over to the canary's version (a rolling update), then its own replicas go. */
  'canary.promote': rolloutWaves,
  /** The canary's replicas are drained and removed; the others never changed. */
  'canary.rollback': z.object({}).strict(),
  /** Compose Watch for the running lab: sync saved files, rebuild and roll out on a Dockerfile change. */
  'lab.watch': z.object({ enabled: z.boolean() }).strict(),
  'lab.scale': z.object({ replicas: z.number().int().min(1).max(20) }).strict(),
  'build.cancel': z.object({}).strict(),
  'backend.action': z
    .object({
      backend: backendName,
      action: z.enum(BACKEND_ACTIONS),
      /** Undo the fault automatically after this many seconds. */
      restoreAfterSec: z.number().min(0.5).max(3600).optional(),
    })
    .strict(),
  'backend.toxic': z.object({ backend: backendName, toxic: toxic.nullable() }).strict(),
  'chaos.start': chaosOptions,
  'chaos.stop': z.object({}).strict(),
  'backend.set': z.object({ backend: backendName, params: backendParams.partial() }).strict(),
  'config.import': z.object({ text: z.string().max(1_000_000), file: z.string().max(4096) }).strict(),
  'config.export': z.object({ format: z.enum(EXPORT_FORMATS) }).strict(),
  'traffic.start': trafficOptions,
  'traffic.stop': z.object({}).strict(),
  'leftovers.scan': z.object({}).strict(),
  'leftovers.adopt': z.object({ lab: labName }).strict(),
  'leftovers.remove': z.object({ lab: labName }).strict(),
  'logs.backlog': z.object({ limit: z.number().int().min(1).max(100_000).default(5000) }).strict(),
  /** The app's timeline (across lab restarts) and its last minutes of per-second figures. */
  'history.get': z.object({}).strict(),
  'engine.retry': z.object({}).strict(),
  /** Reads the project of these settings (over the current ones) without starting anything. */
  'project.inspect': labSettings.partial().strict(),
  /** A shell in a replica's container (`docker exec -it`); its output comes as `terminal` events to this connection only. */
  'terminal.open': terminalSize.extend({ backend: backendName }).strict(),
  /** Bytes for the shell's input, base64 (keystrokes are UTF-8; xterm's mouse reports may not be). */
  'terminal.write': z
    .object({ id: terminalId, data: z.base64().max(Math.ceil(TERMINAL_WRITE_BYTES / 3) * 4) })
    .strict(),
  'terminal.resize': terminalSize.extend({ id: terminalId }).strict(),
  /** Ends the shell and whatever it started. */
  'terminal.close': z.object({ id: terminalId }).strict(),
} as const;

export type CommandName = keyof typeof commandInputs;
export type CommandInput<C extends CommandName> = z.input<(typeof commandInputs)[C]>;

/** A project read before anything starts: its plan, or why it cannot run (`FILE:LINE:COL: ...`). */
export interface ProjectInspection {
  project: ProjectView | null;
  error: string | null;
}

/** A terminal `terminal.open` opened: `backend2 — /bin/sh in 3f2a1b0c9d8e`. */
export interface TerminalOpened {
  id: number;
  backend: string;
  shell: string;
  /** The container's short ID (12 hex digits). */
  container: string;
}

export interface ConfigImportResult {
  ok: boolean;
  /** `FILE:LINE:COL: message` pieces, when the config was refused. */
  error: { file: string; line: number; col: number; message: string } | null;
  warnings: string[];
}

/** What a command that changes state answers: the state itself reaches every window as events. */
export interface Ack {
  ok: true;
}

export interface CommandResults {
  'lab.get': LabView;
  'lab.start': Ack;
  'lab.stop': Ack;
  'lab.scale': Ack;
  'lab.rollout': Ack;
  'history.get': { timeline: TimelineEvent[]; metrics: MetricsSample[] };
  'canary.start': Ack;
  'canary.promote': Ack;
  'canary.rollback': Ack;
  'lab.watch': Ack;
  'build.cancel': Ack;
  'backend.action': Ack;
  'backend.toxic': Ack;
  'chaos.start': Ack;
  'chaos.stop': Ack;
  'backend.set': Ack;
  'config.import': ConfigImportResult;
  'config.export': ExportedFile;
  'traffic.start': Ack;
  'traffic.stop': Ack;
  'leftovers.scan': Ack;
  'leftovers.adopt': Ack;
  'leftovers.remove': Ack;
  'logs.backlog': LogLine[];
  'engine.retry': Ack;
  'project.inspect': ProjectInspection;
  'terminal.open': TerminalOpened;
  'terminal.write': Ack;
  'terminal.resize': Ack;
  'terminal.close': Ack;
}

/** A file to save; `companions` go beside it (compose.yaml mounts ./nginx.conf). */
export interface ExportedFile {
  filename: string;
  mime: string;
  text: string;
  companions: Array<{ filename: string; mime: string; text: string }>;
}

export type CommandResult<C extends CommandName> = CommandResults[C];

/** One line of any log: the build, a replica, the balancer's access log, or the lab itself. */
export interface LogLine {
  seq: number;
  /** Epoch milliseconds. */
  time: number;
  /** `build`, `access`, `lab`, or a backend name. */
  source: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** One proxied request, compact, for the distribution chart. */
export interface RequestSample {
  t: number;
  /** Backend that answered, or null (no live upstream, all attempts failed). */
  backend: string | null;
  status: number;
  ms: number;
  /** Backends attempted, in order. */
  tried: string[];
}

/** Once a second: the last second's figures. */
export interface MetricsSample {
  t: number;
  /** Requests served per backend in that second. */
  perBackend: Record<string, number>;
  /** Client status codes in that second. */
  statuses: Record<string, number>;
  /** Requests that failed (5xx from the balancer, or none served). */
  failed: number;
  /** Requests served per version (`v1`, `v2`) in that second. */
  perVersion?: Record<string, number>;
}

export const TIMELINE_KINDS = [
  'killed',
  'stopped',
  'paused',
  'disconnected',
  /** The engine reported the container down; with nginx's detection the balancer has not seen it yet. */
  'engine-reported',
  'first-failed-attempt',
  'marked-failed',
  'restored',
  'first-served',
  'drained',
  'joined',
  'left',
  'reconfigured',
  'replacing',
  'replaced',
  'canary',
  'toxic',
] as const;

export interface TimelineEvent {
  t: number;
  backend: string;
  kind: (typeof TIMELINE_KINDS)[number];
  detail: string;
}

/** What a terminal sends back: the shell's output (base64, as it came), then once how it ended. */
export type TerminalEvent =
  | { id: number; kind: 'output'; data: string }
  | { id: number; kind: 'exit'; code: number | null; message: string };

/** Every event the core emits to every renderer, by name. */
export interface BroadcastEvents {
  lab: LabView;
  requests: RequestSample[];
  metrics: MetricsSample;
  logs: LogLine[];
  timeline: TimelineEvent;
  containers: ContainerSamples;
  notice: { level: 'info' | 'warning' | 'error'; message: string };
}
export type BroadcastEventName = keyof BroadcastEvents;
/** What each transport (Electron's IPC, the headless WebSocket) forwards to every window. */
export const BROADCAST_EVENTS: BroadcastEventName[] = [
  'lab',
  'requests',
  'metrics',
  'logs',
  'timeline',
  'containers',
  'notice',
];

/** Events for the one connection that asked for them: a terminal's output is nobody else's. */
export interface ClientEvents {
  terminal: TerminalEvent;
}

/** Every event a renderer can receive. */
export interface ApiEvents extends BroadcastEvents, ClientEvents {}

export type EventName = keyof ApiEvents;

/** An error as it crosses a transport: the kind survives, the stack does not. */
export interface ApiErrorShape {
  name: string;
  message: string;
  /** For config errors: where. */
  at?: { file: string; line: number; col: number };
}

export type Envelope<T> = { result: T } | { error: ApiErrorShape };

/** The whole surface a renderer sees, whatever the transport. */
export interface ApiClient {
  call<C extends CommandName>(command: C, input: CommandInput<C>): Promise<CommandResult<C>>;
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

export class ApiError extends Error {
  constructor(readonly shape: ApiErrorShape) {
    super(shape.message);
    this.name = shape.name;
  }
}
