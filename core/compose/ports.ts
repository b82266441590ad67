import type { ComposeContext } from './context';
import { isMapping, type Mapping } from './scalars';
import type { Path } from './source-map';
import type { ServicePort } from './types';

const RANGE = /^(\d+)(?:-(\d+))?$/;

/** A port as written: its parts still text. */
interface PortSpec {
  target: string;
  published: string;
  hostIp: string;
  protocol: string;
}

/** `ports:` in its short forms (`80`, `8080:80`, `127.0.0.1:8080:80/udp`, ranges) and its long form. */
export function servicePorts(items: unknown[], path: Path, context: ComposeContext): ServicePort[] {
  return items.flatMap((item, i) => {
    const itemPath = [...path, i];
    const spec = isMapping(item) ? longPort(item, itemPath, context) : shortPort(String(item));
    const protocol = protocolOf(spec.protocol, itemPath, context);
    const at = context.valueAt(itemPath);
    return mappings(spec.target, spec.published, itemPath, context).map((port) => ({
      ...port,
      ...(spec.hostIp ? { hostIp: spec.hostIp } : {}),
      protocol,
      at,
    }));
  });
}

/** `[[HOST_IP:]PUBLISHED:]TARGET[/PROTOCOL]`; an IPv6 host may be in brackets. */
function shortPort(text: string): PortSpec {
  const slash = text.lastIndexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const lastColon = address.lastIndexOf(':');
  const host = lastColon < 0 ? '' : address.slice(0, lastColon);
  const hostColon = host.lastIndexOf(':');
  return {
    target: address.slice(lastColon + 1),
    published: host.slice(hostColon + 1),
    hostIp: hostColon < 0 ? '' : host.slice(0, hostColon).replace(/^\[(.*)\]$/, '$1'),
    protocol: slash < 0 ? 'tcp' : text.slice(slash + 1),
  };
}

function longPort(item: Mapping, path: Path, context: ComposeContext): PortSpec {
  if (item.target === undefined) throw context.error(path, 'missing required key "target"');
  const text = (value: unknown, otherwise: string): string =>
    value === undefined || value === null ? otherwise : String(value);
  return {
    target: String(item.target),
    published: text(item.published, ''),
    hostIp: text(item.host_ip, ''),
    protocol: text(item.protocol, 'tcp'),
  };
}

/** `expose:` — ports or ranges, a protocol allowed and dropped. */
export function exposedPorts(items: unknown[], path: Path, context: ComposeContext): number[] {
  return items.flatMap((item, i) => portRange(String(item).replace(/\/\w+$/, ''), [...path, i], context));
}

/** Container ports and their host ports, pairwise; a host range for one container port publishes its first. */
function mappings(
  target: string,
  published: string,
  path: Path,
  context: ComposeContext,
): Array<{ target: number; published?: number }> {
  const targets = portRange(target, path, context);
  if (!published) return targets.map((port) => ({ target: port }));
  const hosts = portRange(published, path, context);
  if (targets.length === 1 && hosts.length > 1) {
    context.warn(
      context.valueAt(path),
      `host ports ${published} for one container port: the lab publishes ${hosts[0]}`,
    );
    return [{ target: targets[0] ?? 0, published: hosts[0] ?? 0 }];
  }
  if (hosts.length !== targets.length)
    throw context.error(
      path,
      `the host ports ${published} and container ports ${target} are ranges of different lengths`,
    );
  return targets.map((port, i) => ({ target: port, published: hosts[i] ?? 0 }));
}

function portRange(text: string, path: Path, context: ComposeContext): number[] {
  const match = RANGE.exec(text);
  const first = Number(match?.[1]);
  const last = match?.[2] === undefined ? first : Number(match[2]);
  if (!match || !isPort(first) || !isPort(last) || last < first)
    throw context.error(
      path,
      `${JSON.stringify(text)} is not a port: a port is a number from 1 to 65535, or a range of them`,
    );
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

function isPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

function protocolOf(text: string, path: Path, context: ComposeContext): 'tcp' | 'udp' {
  const protocol = text.toLowerCase();
  if (protocol === 'tcp' || protocol === 'udp') return protocol;
  throw context.error(path, `protocol ${JSON.stringify(text)} is not supported: use tcp or udp`);
}
