import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NginxTestResult {
  ok: boolean;
  /** nginx's stderr: "syntax is ok" / "[emerg] ... in FILE:LINE". */
  output: string;
  /** The first `[emerg]` message without its `in FILE:LINE` suffix, and that line (0: none given). */
  emerg?: { message: string; line: number };
}

/**
 * Paths nginx would otherwise take from its build (/var/log/nginx, /var/lib/nginx), which a non-root
 * CI user cannot open. Inserted on the `http {` line itself so reported line numbers do not move.
 */
const HTTP_SANDBOX =
  ' access_log off; client_body_temp_path body; proxy_temp_path proxy;' +
  ' fastcgi_temp_path fastcgi; uwsgi_temp_path uwsgi; scgi_temp_path scgi;';

/** Runs `nginx -t` on a config text in a throw-away prefix directory. */
export async function nginxTest(binary: string, conf: string): Promise<NginxTestResult> {
  const dir = await mkdtemp(join(tmpdir(), 'upstream-lab-nginx-t-'));
  try {
    await chmod(dir, 0o755);
    const file = join(dir, 'nginx.conf');
    await writeFile(file, conf.replace(/^(\s*http\s*\{)/m, `$1${HTTP_SANDBOX}`));
    const args = ['-t', '-p', `${dir}/`, '-c', file, '-e', 'stderr', '-g', `pid ${join(dir, 'nginx.pid')};`];
    const { code, stderr } = await run(binary, args);
    const match = /\[emerg\] \d+#\d+: (.*?)(?: in \S+:(\d+))?$/m.exec(stderr);
    const result: NginxTestResult = { ok: code === 0, output: stderr };
    if (match) result.emerg = { message: match[1] ?? '', line: Number(match[2] ?? 0) };
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(binary: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { encoding: 'utf8' }, (error, _stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stderr });
    });
  });
}
