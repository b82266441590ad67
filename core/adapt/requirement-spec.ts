import { validRange } from '@renovatebot/pep440';
import { parseDistFilename } from './dist-files';
import { checkMarker } from './markers';
import { normalizeName } from './package-names';

export interface RequirementSpec {
  name: string;
  key: string;
  extras: string[];
  specifier: string;
  marker: string | null;
  url: string | null;
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const CLAUSE = /^(~=|===|==|!=|<=|>=|<|>)\s*(\S+)$/;
const SCHEME = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|(?:git|hg|svn|bzr)\+|file:)/;
const ARCHIVE = /\.(?:whl|zip|tar\.gz|tar\.bz2|tar\.xz|tgz|tar)$/i;

/** A URL (`https://…`, `git+https://…`) or a local path (`.`, `./libs/x`, `dist/x.whl`) rather than a name. */
export const isUrl = (text: string): boolean => SCHEME.test(text);
const NAME_AT_URL = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@/;
function isPath(text: string): boolean {
  if (NAME_AT_URL.test(text)) return false;
  const head = text.split(/[\s;[]/)[0]!;
  return /^[.~/]/.test(head) || head.includes('/') || head.includes('\\') || ARCHIVE.test(head);
}

/** One requirement as pip reads it (PEP 508, plus bare URLs and paths); throws the reason pip would give. */
export function parseRequirementSpec(text: string, editable: boolean): RequirementSpec {
  const trimmed = text.trim();
  if (isUrl(trimmed) || isPath(trimmed)) return locationSpec(trimmed);
  if (editable) throw new Error(`${trimmed} should be a path to a local project or a VCS URL (-e)`);
  const name = NAME.exec(trimmed)?.[0];
  if (!name) throw new Error(`invalid requirement: ${trimmed}`);
  let rest = trimmed.slice(name.length).trimStart();
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new Error(`invalid requirement: ${trimmed} (an extra's "]" is missing)`);
    extras = parseExtras(rest.slice(1, close), trimmed);
    rest = rest.slice(close + 1).trimStart();
  }
  if (rest.startsWith('@')) {
    const location = rest.slice(1).trim();
    const end = location.search(/\s/);
    const url = end < 0 ? location : location.slice(0, end);
    const after = end < 0 ? '' : location.slice(end).trim();
    if (!url) throw new Error(`invalid requirement: ${trimmed} (a URL must follow "@")`);
    if (after && !after.startsWith(';')) throw new Error(`invalid requirement: ${trimmed}`);
    return { name, key: normalizeName(name), extras, specifier: '', marker: markerOf(after.slice(1)), url };
  }
  const semicolon = rest.indexOf(';');
  let specifier = (semicolon < 0 ? rest : rest.slice(0, semicolon)).trim();
  if (specifier.startsWith('(') && specifier.endsWith(')')) specifier = specifier.slice(1, -1);
  return {
    name,
    key: normalizeName(name),
    extras,
    specifier: normalizeSpecifier(specifier, trimmed),
    marker: semicolon < 0 ? null : markerOf(rest.slice(semicolon + 1), true),
    url: null,
  };
}

/** `>= 3.1, <4` → `>=3.1,<4`; throws on what PEP 440 does not allow (`=5.2`, `~=3`). */
function normalizeSpecifier(specifier: string, requirement = specifier): string {
  if (specifier.trim() === '') return '';
  return specifier
    .split(',')
    .map((clause) => {
      const match = CLAUSE.exec(clause.trim());
      if (!match) {
        const hint = /^\s*=[^=]/.test(clause) ? ' ("=" is not an operator: did you mean "=="?)' : '';
        throw new Error(`invalid requirement: ${requirement}${hint}`);
      }
      const normalized = `${match[1]}${match[2]}`;
      if (match[1] !== '===' && !validRange(normalized)) {
        throw new Error(`invalid requirement: ${requirement} (${normalized} is not a PEP 440 specifier)`);
      }
      return normalized;
    })
    .join(',');
}

function parseExtras(list: string, requirement: string): string[] {
  const extras = list
    .split(',')
    .map((extra) => extra.trim())
    .filter(Boolean);
  for (const extra of extras)
    if (!NAME.test(extra) || NAME.exec(extra)![0] !== extra) {
      throw new Error(`invalid requirement: ${requirement} (bad extra ${extra})`);
    }
  return extras.map(normalizeName);
}

function markerOf(text: string, required = false): string | null {
  const marker = text.trim();
  if (!marker) {
    if (required) throw new Error('invalid requirement: an environment marker must follow ";"');
    return null;
  }
  checkMarker(marker);
  return marker;
}

/** A URL or path: pip splits a marker after `; ` (URLs) or `;` (paths), extras after the path, a name from `#egg=`. */
function locationSpec(text: string): RequirementSpec {
  const separator = isUrl(text) ? '; ' : ';';
  const cut = text.indexOf(separator);
  let location = (cut < 0 ? text : text.slice(0, cut)).trim();
  const marker = cut < 0 ? null : markerOf(text.slice(cut + separator.length), true);
  let extras: string[] = [];
  const bracket = /\[([^\]]*)\]$/.exec(location);
  if (bracket && !isUrl(location)) {
    extras = parseExtras(bracket[1]!, text);
    location = location.slice(0, bracket.index);
  }
  const egg = /[#&]egg=([^&]+)/.exec(location)?.[1];
  const file =
    location
      .replace(/[#?].*$/, '')
      .split('/')
      .pop() ?? '';
  const name = egg ?? parseDistFilename(file)?.name ?? '';
  return { name, key: name ? normalizeName(name) : '', extras, specifier: '', marker, url: location };
}
