import { hostPath } from './paths';
import { isMapping } from './scalars';
import type { ComposeContext } from './context';
import type { Path } from './source-map';
import type { WatchRule } from './types';

const ACTIONS = new Set(['sync', 'rebuild', 'restart', 'sync+restart']);
const RULE_KEYS = new Set(['action', 'path', 'target', 'ignore', 'initial_sync']);

/**
 * `develop.watch` of a service, as Compose Watch reads it: each rule's `path` (on this machine,
 * relative to the project), its action and, for a sync, the `target` in the container. The
 * actions the lab carries out are sync, rebuild, restart and sync+restart; `sync+exec` is refused.
 */
export function watchRulesOf(develop: unknown, path: Path, context: ComposeContext): WatchRule[] {
  if (develop === undefined || develop === null) return [];
  if (!isMapping(develop)) throw context.error(path, 'develop must be a mapping with a `watch` list');
  for (const key of Object.keys(develop))
    if (key !== 'watch' && !key.startsWith('x-')) context.ignored([...path, key]);
  const list = develop.watch;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw context.error([...path, 'watch'], 'develop.watch must be a list of rules');
  return list.map((rule: unknown, i) => {
    const at: Path = [...path, 'watch', i];
    if (!isMapping(rule)) throw context.error(at, 'a watch rule is a mapping: action, path, target');
    for (const key of Object.keys(rule))
      if (!RULE_KEYS.has(key) && !key.startsWith('x-')) context.ignored([...at, key]);
    const action = String(rule.action ?? '');
    if (!ACTIONS.has(action))
      throw context.error(
        [...at, 'action'],
        action === 'sync+exec'
          ? 'sync+exec is not supported by upstream-lab: use sync+restart'
          : `${JSON.stringify(action)} is not a watch action (sync, rebuild, restart, sync+restart)`,
      );
    if (rule.path === undefined) throw context.error(at, 'a watch rule needs a path');
    const target = rule.target === undefined ? undefined : String(rule.target);
    if (action.startsWith('sync') && !target?.startsWith('/'))
      throw context.error(
        [...at, target === undefined ? 'action' : 'target'],
        `a ${action} rule needs an absolute target: the folder in the container its files go to`,
      );
    const ignore =
      rule.ignore === undefined ? [] : Array.isArray(rule.ignore) ? rule.ignore.map(String) : null;
    if (ignore === null) throw context.error([...at, 'ignore'], 'ignore is a list of patterns');
    return {
      action: action as WatchRule['action'],
      path: hostPath(String(rule.path), context.dir),
      ...(target ? { target } : {}),
      ignore,
    };
  });
}
