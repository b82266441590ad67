// `npm start`: build, then open the desktop app. Without the Electron binary (never downloaded,
// or offline) the headless dashboard in a browser instead, on a free port.
//
//   npm start -- --port 5180 --listen 127.0.0.1:9090 --lab demo -- --runtime demo
//
// Options (each also an environment variable; an option wins over its variable):
//   --port N          UPSTREAM_LAB_PORT      the dashboard's port (default 5170); taken → the next free one
//   --strict-port     UPSTREAM_LAB_STRICT_PORT=1   exit instead when that port is taken
//   --listen H:P      UPSTREAM_LAB_LISTEN    where the balancer listens (default 127.0.0.1:8080)
//   --lab NAME        UPSTREAM_LAB_NAME      the lab to open (default: "default")
//   -- ARGS...                               more `upstream-lab up` options for the headless dashboard
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findElectronBinary } from './electron-binary.mjs';
import { repoRoot, run } from './run.mjs';

const DEFAULT_PORT = 5170;
/** Ports after the asked one tried before any free port the system gives. */
const NEXT_PORTS = 10;
const HOST = '127.0.0.1';
const cli = join(repoRoot, 'bin', 'upstream-lab.mjs');

const usage = `usage: npm start -- [--port N] [--strict-port] [--listen HOST:PORT] [--lab NAME] [--lang en|fa] [-- up options...]
  --port N            the dashboard's port (UPSTREAM_LAB_PORT; default ${DEFAULT_PORT}); when taken, the next free one
  --strict-port       exit when that port is taken (UPSTREAM_LAB_STRICT_PORT=1)
  --listen HOST:PORT  where the balancer listens (UPSTREAM_LAB_LISTEN; default 127.0.0.1:8080)
  --lab NAME          the lab to open (UPSTREAM_LAB_NAME; default "default")
  --lang en|fa        the language (UPSTREAM_LAB_LANG; default: the system's or the browser's)
  -- ...              more \`upstream-lab up\` options for the headless dashboard, e.g. -- --runtime demo`;

/** A mistake in the options: one line on stderr, exit code 2 (as the CLI does). */
function refuse(message) {
  console.error(`npm start: ${message}\n${usage}`);
  process.exit(2);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: 'string' },
        'strict-port': { type: 'boolean' },
        listen: { type: 'string' },
        lab: { type: 'string' },
        lang: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      tokens: true,
    });
  } catch (error) {
    refuse(error.message);
  }
  const { values, tokens } = parsed;
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  // Only what follows `--` goes to `up`; a stray word before it is a mistake.
  const dashDash = tokens.find((t) => t.kind === 'option-terminator');
  const stray = tokens.find((t) => t.kind === 'positional' && (!dashDash || t.index < dashDash.index));
  if (stray) refuse(`unexpected argument "${stray.value}"`);
  const env = process.env;
  const portText = values.port ?? env.UPSTREAM_LAB_PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) refuse(`--port "${portText}" is not a port (0-65535)`);
  const lang = values.lang ?? (env.UPSTREAM_LAB_LANG || undefined);
  if (lang !== undefined && !['en', 'fa'].includes(lang))
    refuse(`--lang "${lang}": the languages are en, fa`);
  return {
    lang,
    port,
    strictPort: values['strict-port'] ?? /^(1|true|yes)$/i.test(env.UPSTREAM_LAB_STRICT_PORT ?? ''),
    listen: values.listen ?? (env.UPSTREAM_LAB_LISTEN || undefined),
    lab: values.lab ?? (env.UPSTREAM_LAB_NAME || undefined),
    upArgs: dashDash ? process.argv.slice(2).slice(dashDash.index + 1) : [],
  };
}

/** The port once bound on HOST, or null when something else holds it. */
function tryPort(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen({ host: HOST, port, exclusive: true }, () => {
      const bound = server.address().port;
      server.close(() => resolve(bound));
    });
  });
}

/** The asked port, else one of the next ones, else any free one; null only with --strict-port. */
async function freePort(wanted, strict) {
  if (wanted === 0) return tryPort(0);
  if ((await tryPort(wanted)) !== null) return wanted;
  if (strict) return null;
  for (let port = wanted + 1; port <= Math.min(wanted + NEXT_PORTS, 65535); port++) {
    if ((await tryPort(port)) !== null) return port;
  }
  return tryPort(0);
}

/** Runs the headless CLI; Ctrl-C or a kill of this script reaches it too (it removes its containers). */
function runCli(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, forward);
    child.on('error', (error) => {
      console.error(`upstream-lab: ${error.message}`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

const o = options();
const electron = findElectronBinary();

if ('path' in electron) {
  if (o.port !== DEFAULT_PORT || o.listen || o.lab || o.upArgs.length) {
    console.error(
      'Note: --port, --listen, --lab and up options apply to the headless dashboard; the desktop app opens ' +
        'your last lab: choose its name and listen address in its Lab setup.',
    );
  }
  const buildCode = await run('electron-vite', ['build']);
  if (buildCode !== 0) process.exit(buildCode);
  // Chromium will not start as root with its OS sandbox; the window's own sandbox stays on.
  const args = [
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    repoRoot,
    ...(o.lang ? [`--lang=${o.lang}`] : []),
  ];
  process.exit(await run(electron.path, args));
}

console.error(`\nCannot open the desktop app: ${electron.reason}.`);
console.error('Falling back to the headless dashboard in your browser instead.\n');

const port = await freePort(o.port, o.strictPort);
if (port === null) {
  console.error(`npm start: port ${o.port} is taken (on ${HOST}); free it, or leave out --strict-port`);
  process.exit(1);
}
if (port !== o.port) console.log(`Port ${o.port} is taken: the dashboard uses port ${port} instead.`);

// `up` builds the renderer itself when it changed; the desktop app's main and preload are not needed.
const up = [
  ...(o.lang ? ['--lang', o.lang] : []),
  'up',
  '--dashboard',
  `${HOST}:${port}`,
  ...(o.lab ? ['--lab', o.lab] : []),
  ...(o.listen ? ['--listen', o.listen] : []),
  ...o.upArgs,
];
process.exit(await runCli(up));
