import type { RequirementsFile } from './requirements';
import { displayRequirement } from './resolution-text';
import type { Resolution } from './resolve';

const MET = new Set<Resolution['via']>(['debian', 'system', 'skipped']);
const INDEX_OPTIONS = new Set(['index-url', 'extra-index-url', 'trusted-host']);
const SHORT_NAMES: Record<string, string> = { 'index-url': '-i', 'find-links': '-f' };

/**
 * The requirements file as pip should see it in the adapted build: only what the wheelhouse (or
 * a local path) must supply, index options removed, a header comment listing what Debian and the
 * system met. `-r` / `-c` lines stay (the caller rewrites those files too); so do comments.
 */
export function rewriteRequirements(file: RequirementsFile, text: string, resolutions: Resolution[]): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const lines = text.slice(bom.length).split(/\r\n|\n|\r/);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const own = new Map(resolutions.filter((r) => r.file === file.file).map((r) => [r.req.line, r]));
  const metByKey = new Map(resolutions.filter((r) => r.req.key && MET.has(r.via)).map((r) => [r.req.key, r]));
  const dropped = new Set<number>();
  const notes: string[] = [];
  const drop = (line: number, endLine: number, note: string): void => {
    for (let n = line; n <= endLine; n++) dropped.add(n);
    notes.push(`#   ${note}`);
  };

  const replaced = new Map<number, string>();
  for (const req of file.requirements) {
    const resolution = own.get(req.line);
    const what = displayRequirement(req);
    if (resolution && MET.has(resolution.via)) drop(req.line, req.endLine, `${what}: ${metBy(resolution)}`);
    else if (resolution?.via === 'wheelhouse' && req.url) {
      // pip fetches a URL even with --no-index: ask for the wheelhouse's file by name instead.
      const { wheel } = resolution;
      const extras = req.extras.length > 0 ? `[${req.extras.join(',')}]` : '';
      drop(
        req.line + 1,
        req.endLine,
        `${what}: asked for by name, the wheelhouse's ${wheel.file} (pip cannot fetch a URL offline)`,
      );
      replaced.set(
        req.line,
        `${wheel.name}${extras}==${wheel.version}${req.marker ? ` ; ${req.marker}` : ''}`,
      );
    } else if (!resolution && req.key && metByKey.has(req.key)) {
      drop(req.line, req.endLine, `${what}: a pin dropped, met by ${metBy(metByKey.get(req.key)!)}`);
    }
  }
  const includeLines = new Set(file.includes.map((include) => include.line));
  const optionLines = new Map<number, RequirementsFile['options']>();
  for (const option of file.options)
    optionLines.set(option.line, [...(optionLines.get(option.line) ?? []), option]);
  for (const [line, options] of optionLines) {
    const indexOnly = options.every(
      (o) => INDEX_OPTIONS.has(o.name) || (o.name === 'find-links' && /^[a-z]+:\/\//i.test(o.value ?? '')),
    );
    if (!indexOnly || includeLines.has(line)) continue;
    const written = options
      .map((o) => `${SHORT_NAMES[o.name] ?? `--${o.name}`} ${o.value ?? ''}`.trim())
      .join(' ');
    drop(line, options[0]!.endLine, `${written}: dropped, there is no index offline`);
  }
  if (notes.length === 0) return text;
  const header = [
    '# Upstream Lab, offline build: pip installs only what is left in this file. Changed:',
    ...notes,
  ];
  const kept = lines.flatMap((line, i) => (dropped.has(i + 1) ? [] : [replaced.get(i + 1) ?? line]));
  return bom + [...header, ...kept].join(eol);
}

function metBy(resolution: Resolution): string {
  switch (resolution.via) {
    case 'debian':
      return `Debian's ${resolution.deb} ${resolution.version}${resolution.relaxed ? ' (pin relaxed)' : ''}`;
    case 'system':
      return `the system (${resolution.note})`;
    case 'skipped':
      return `skipped, ${resolution.note}`;
    default:
      return resolution.via;
  }
}
