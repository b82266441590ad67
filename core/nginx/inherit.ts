import {
  PROXY_DEFAULTS,
  SERVER_BLOCK_DEFAULTS,
  type AddHeaderDirective,
  type ErrorPageDirective,
  type HeaderDirective,
  type LocationConfig,
  type ProxySettings,
  type ServerBlockConfig,
} from '../balancer/config';
import type { ScopeSettings } from './scope-settings';

/**
 * nginx merges each level into the next: a value written at a level overrides the enclosing one,
 * and a header list is taken whole from the innermost level that has at least one entry.
 * `levels` runs outermost first (http, server, location).
 */
export function inheritProxySettings(
  levels: ScopeSettings[],
  target: Pick<ProxySettings, 'upstream' | 'uri' | 'url'>,
): ProxySettings {
  const settings: ProxySettings = { ...target, ...structuredClone(PROXY_DEFAULTS) };
  for (const level of levels) Object.assign(settings, structuredClone(level.proxy));
  settings.setHeaders = innermostList(levels, (level) => level.setHeaders);
  return settings;
}

export function inheritErrorPages(levels: ScopeSettings[]): ErrorPageDirective[] {
  for (const level of [...levels].reverse()) {
    const list = level.errorPages;
    if (list && list.length > 0) return structuredClone(list);
  }
  return [];
}

export function inheritAddHeaders(levels: ScopeSettings[]): AddHeaderDirective[] {
  return innermostList(levels, (level) => level.addHeaders);
}

/** access_log and error_log: taken whole from the innermost level that writes any. */
export function inheritLogs(levels: ScopeSettings[]): Pick<LocationConfig, 'accessLog' | 'errorLog'> {
  const inner = [...levels].reverse();
  const accessLog = inner.find((level) => level.accessLog !== undefined)?.accessLog;
  const errorLog = inner.find((level) => level.errorLog !== undefined)?.errorLog;
  return {
    ...(accessLog ? { accessLog: accessLog.map((log) => ({ ...log.config })) } : {}),
    ...(errorLog ? { errorLog: { ...errorLog } } : {}),
  };
}

export function inheritClientSettings(
  levels: ScopeSettings[],
): Omit<ServerBlockConfig, 'listen' | 'serverNames' | 'locations' | 'serverLevel'> {
  const settings = { ...SERVER_BLOCK_DEFAULTS };
  for (const level of levels) Object.assign(settings, level.client);
  return settings;
}

function innermostList<T extends HeaderDirective>(
  levels: ScopeSettings[],
  pick: (level: ScopeSettings) => T[] | undefined,
): T[] {
  for (const level of [...levels].reverse()) {
    const list = pick(level);
    if (list && list.length > 0) return list.map((entry) => ({ ...entry }));
  }
  return [];
}
