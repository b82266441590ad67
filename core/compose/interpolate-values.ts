import { ComposeError, type Diagnostic, type SourceAt } from './errors';
import { interpolate, InterpolationError, type Lookup } from './interpolate';
import { parseBoolean } from './scalars';
import type { Path } from './source-map';
import type { StringValue } from './yaml-tree';

export interface DocumentInterpolation {
  stringValue: StringValue;
  /** Compose's warning for each variable used unset (once per variable, at its first use). */
  warnings: Diagnostic[];
  /** The variables the document read that were set. */
  used: Set<string>;
}

/**
 * Interpolates every string value of the compose document, then casts the few paths where the
 * schema takes no string (Compose casts them too: `required: ${STRICT:-true}` is a boolean).
 */
export function documentInterpolation(lookup: Lookup): DocumentInterpolation {
  const warnings: Diagnostic[] = [];
  const warned = new Set<string>();
  const used = new Set<string>();
  const recordingLookup: Lookup = (name) => {
    const value = lookup(name);
    if (value !== undefined) used.add(name);
    return value;
  };
  const stringValue: StringValue = (text, path, at) => {
    const { value, unset } = interpolateAt(text, recordingLookup, at);
    for (const name of unset) {
      if (warned.has(name)) continue;
      warned.add(name);
      warnings.push({ at, message: `The "${name}" variable is not set. Defaulting to a blank string.` });
    }
    return cast(value, path);
  };
  return { stringValue, warnings, used };
}

function interpolateAt(text: string, lookup: Lookup, at: SourceAt): { value: string; unset: string[] } {
  if (!text.includes('$')) return { value: text, unset: [] };
  try {
    return interpolate(text, lookup);
  } catch (error) {
    if (error instanceof InterpolationError) throw new ComposeError(at, error.message);
    throw error;
  }
}

type Cast = (text: string) => unknown;

const toBoolean: Cast = (text) => parseBoolean(text) ?? text;
const toInteger: Cast = (text) => (/^-?\d+$/.test(text) ? Number(text) : text);
const toNumber: Cast = (text) => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

const CASTS: Array<{ pattern: string[]; cast: Cast }> = [
  { pattern: ['services', '*', 'depends_on', '*', 'required'], cast: toBoolean },
  { pattern: ['services', '*', 'use_api_socket'], cast: toBoolean },
  { pattern: ['services', '*', 'cpu_count'], cast: toInteger },
  { pattern: ['services', '*', 'cpu_percent'], cast: toInteger },
  { pattern: ['services', '*', 'oom_score_adj'], cast: toInteger },
  { pattern: ['services', '*', 'networks', '*', 'priority'], cast: toNumber },
  { pattern: ['services', '*', 'networks', '*', 'gw_priority'], cast: toNumber },
];

/** A string the schema would refuse at `path` as its boolean or number; any other string as it is. */
function cast(value: string, path: Path): unknown {
  const rule = CASTS.find(
    ({ pattern }) =>
      pattern.length === path.length && pattern.every((part, i) => part === '*' || part === path[i]),
  );
  return rule ? rule.cast(value) : value;
}
