import { satisfies, valid, validRange } from '@renovatebot/pep440';

/** The build's Python, as PEP 508 markers see it (Linux, CPython). */
export interface MarkerEnv {
  /** `3.13` */
  pythonVersion: string;
  /** `3.13.5`; default: pythonVersion with `.0`. */
  pythonFullVersion?: string;
  /** `x86_64` */
  machine?: string;
}

type Token = { kind: 'string' | 'name' | 'op' | '(' | ')' | 'and' | 'or'; text: string };
type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'compare'; left: Token; op: string; right: Token };

const TOKEN =
  /\s*(?:('[^']*'|"[^"]*")|(not\s+in\b|in\b|and\b|or\b)|(===|==|!=|<=|>=|~=|<|>)|([()])|([A-Za-z_][A-Za-z0-9_.]*))/y;

const VARIABLES: Record<string, (env: MarkerEnv) => string> = {
  python_version: (env) => env.pythonVersion,
  python_full_version: fullVersion,
  implementation_version: fullVersion,
  os_name: () => 'posix',
  sys_platform: () => 'linux',
  platform_system: () => 'Linux',
  platform_machine: (env) => env.machine ?? 'x86_64',
  implementation_name: () => 'cpython',
  platform_python_implementation: () => 'CPython',
  python_implementation: () => 'CPython',
  platform_release: () => '',
  platform_version: () => '',
  extra: () => '',
};
// Names older tools wrote with dots.
const ALIASES: Record<string, string> = {
  'os.name': 'os_name',
  'sys.platform': 'sys_platform',
  'platform.version': 'platform_version',
  'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation',
};

function fullVersion(env: MarkerEnv): string {
  return (
    env.pythonFullVersion ??
    (/^\d+\.\d+$/.test(env.pythonVersion) ? `${env.pythonVersion}.0` : env.pythonVersion)
  );
}

/** Whether a PEP 508 environment marker holds for the build's Python; throws on one pip would refuse. */
export function markerApplies(marker: string, env: MarkerEnv): boolean {
  return evaluate(parseMarker(marker), env);
}

/** Throws `invalid marker …` on a marker packaging would refuse. */
export function checkMarker(marker: string): void {
  parseMarker(marker);
}

function parseMarker(marker: string): Node {
  const tokens = tokenize(marker);
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`invalid marker ${JSON.stringify(marker)}: ${why}`);
  };
  const peek = (): Token | undefined => tokens[at];
  const value = (): Token => {
    const token = tokens[at++];
    if (!token || (token.kind !== 'string' && token.kind !== 'name'))
      return fail('expected a variable or a string');
    if (token.kind === 'name' && !(token.text in VARIABLES || token.text in ALIASES)) {
      return fail(`unknown variable ${token.text}`);
    }
    return token;
  };
  const atom = (): Node => {
    if (peek()?.kind === '(') {
      at++;
      const inner = or();
      if (tokens[at++]?.kind !== ')') fail('expected ")"');
      return inner;
    }
    const left = value();
    const op = tokens[at++];
    if (op?.kind !== 'op') return fail('expected a comparison');
    return { kind: 'compare', left, op: op.text.replace(/\s+/g, ' '), right: value() };
  };
  const chain = (kind: 'and' | 'or', next: () => Node): Node => {
    let node = next();
    while (peek()?.kind === kind) {
      at++;
      node = { kind, left: node, right: next() };
    }
    return node;
  };
  const and = (): Node => chain('and', atom);
  const or = (): Node => chain('or', and);
  const tree = or();
  if (at < tokens.length) fail(`unexpected ${tokens[at]!.text}`);
  return tree;
}

function tokenize(marker: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < marker.length && marker.slice(TOKEN.lastIndex).trim() !== '') {
    const from = TOKEN.lastIndex;
    const match = TOKEN.exec(marker);
    if (!match)
      throw new Error(`invalid marker ${JSON.stringify(marker)}: unexpected ${marker.slice(from).trim()}`);
    const [, string, word, op, paren, name] = match;
    if (string) tokens.push({ kind: 'string', text: string.slice(1, -1) });
    else if (word === 'and' || word === 'or') tokens.push({ kind: word, text: word });
    else if (word || op) tokens.push({ kind: 'op', text: (word ?? op)! });
    else if (paren) tokens.push({ kind: paren as '(' | ')', text: paren });
    else tokens.push({ kind: 'name', text: name! });
  }
  return tokens;
}

function evaluate(node: Node, env: MarkerEnv): boolean {
  if (node.kind !== 'compare') {
    return node.kind === 'and'
      ? evaluate(node.left, env) && evaluate(node.right, env)
      : evaluate(node.left, env) || evaluate(node.right, env);
  }
  const side = (token: Token): string =>
    token.kind === 'string' ? token.text : VARIABLES[ALIASES[token.text] ?? token.text]!(env);
  return compare(side(node.left), node.op, side(node.right));
}

/** packaging's rule: a version comparison when both sides are versions, else one of strings. */
function compare(left: string, op: string, right: string): boolean {
  if (op === 'in') return right.includes(left);
  if (op === 'not in') return !right.includes(left);
  if (op !== '===' && valid(left) && validRange(`${op}${right}`)) {
    return satisfies(left, `${op}${right}`, { prereleases: true });
  }
  switch (op) {
    case '==':
    case '===':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    default:
      return false;
  }
}
