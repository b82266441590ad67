import type { Requirement } from './requirements';
import type { Resolution } from './resolve';

const MACHINES: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64' };

/** `psycopg[binary]>=3.1,<4`, or the URL / path for one without a name. */
export function displayRequirement(req: Requirement): string {
  const extras = req.extras.length > 0 ? `[${req.extras.join(',')}]` : '';
  if (req.url) return req.name ? `${req.name}${extras} @ ${req.url}` : `${req.url}${extras}`;
  return `${req.name}${extras}${req.specifier}`;
}

/** One line per relaxed pin: `requirements.txt:1: Django==5.2.5 → 4.2.23 from Debian (python3-django); pins relaxed offline`. */
export function relaxedPins(resolutions: Resolution[]): string[] {
  return resolutions.flatMap((r) =>
    r.via === 'debian' && r.relaxed
      ? [
          `${r.file}:${r.req.line}: ${displayRequirement(r.req)}` +
            (r.specifier !== r.req.specifier ? ` (constrained to ${r.specifier})` : '') +
            ` → ${r.version} from Debian (${r.deb}); pins relaxed offline`,
        ]
      : [],
  );
}

/**
 * What to do about an unmet requirement, for this one: download it into a wheelhouse on a
 * machine online, reach a PyPI mirror, or drop the line.
 */
export function unmetAdvice(resolution: Extract<Resolution, { via: 'unmet' }>): string {
  const { req, file, python, machine } = resolution;
  const spec = req.url && !req.name ? req.url : displayRequirement(req);
  // Quoted even when the shell would not need it: `>` in a spec would, and the line is copied as is.
  const download = `pip download '${spec.replace(/'/g, `'\\''`)}' -d wheels`;
  const platform = `manylinux2014_${MACHINES[machine] ?? machine}`;
  return (
    `On a machine online, run \`${download}\` (there with Python ${python} on Linux ${machine}, like the image; ` +
    `elsewhere add \`--python-version ${python} --platform ${platform} --only-binary=:all:\`) ` +
    `and build with --wheelhouse wheels; or give a PyPI mirror this machine reaches (--pip-index URL); ` +
    `or, if the project does not need it, remove line ${req.line} of ${file}.`
  );
}
