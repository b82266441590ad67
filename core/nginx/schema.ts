import { z } from 'zod';
import { ERROR_LOG_LEVELS, NEXT_UPSTREAM_CONDITIONS, type ProxyConfig } from '../balancer/config';

/** nginx keeps times in a 32-bit int (milliseconds or seconds). */
const INT32_MAX = 2 ** 31 - 1;
const count = (what: string) =>
  z.number().int(`${what} must be a whole number`).min(0, `${what} cannot be negative`).max(INT32_MAX);
const atLeastOne = (what: string) => count(what).min(1, `${what} must be at least 1`);

export const balanceMethodSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('round_robin') }),
  z.strictObject({ kind: z.literal('least_conn') }),
  z.strictObject({ kind: z.literal('ip_hash') }),
  z.strictObject({
    kind: z.literal('hash'),
    key: z.string().min(1, 'hash key is empty'),
    consistent: z.boolean(),
  }),
  z.strictObject({ kind: z.literal('random'), two: z.boolean(), leastConn: z.boolean() }),
]);

export const serverConfigSchema = z.strictObject({
  address: z.string().min(1, 'server address is empty'),
  weight: atLeastOne('weight'),
  maxFails: count('max_fails'),
  failTimeoutSec: count('fail_timeout'),
  maxConns: count('max_conns'),
  backup: z.boolean(),
  down: z.boolean(),
  slowStartSec: count('slow_start'),
});

const statusCode = z.number().int().min(100, 'status must be 100-599').max(599, 'status must be 100-599');

export const healthCheckConfigSchema = z.strictObject({
  path: z.string().startsWith('/', 'health check uri must start with "/"'),
  intervalMs: atLeastOne('health check interval'),
  timeoutMs: atLeastOne('health check timeout'),
  rise: atLeastOne('health check passes'),
  fall: atLeastOne('health check fails'),
  expectStatus: z.tuple([statusCode, statusCode]).optional(),
});

export const upstreamConfigSchema = z.strictObject({
  name: z.string().min(1, 'upstream name is empty'),
  method: balanceMethodSchema,
  servers: z.array(serverConfigSchema).min(1, 'no servers are inside upstream'),
  keepalive: count('keepalive'),
  keepaliveRequests: count('keepalive_requests').optional(),
  keepaliveTimeoutMs: count('keepalive_timeout').optional(),
  keepaliveTimeMs: count('keepalive_time').optional(),
  implicit: z.boolean(),
  healthCheck: healthCheckConfigSchema.optional(),
});

export const headerDirectiveSchema = z.strictObject({
  name: z.string().regex(/^[^\s:]+$/, 'header name must be a non-empty token without blanks or ":"'),
  value: z.string(),
});

export const addHeaderDirectiveSchema = headerDirectiveSchema.extend({ always: z.boolean() });

export const errorPageDirectiveSchema = z.strictObject({
  codes: z
    .array(
      z
        .number()
        .int()
        .min(300, 'error_page codes must be 300-599')
        .max(599, 'error_page codes must be 300-599'),
    )
    .min(1),
  response: z.number().int().min(0).max(999).optional(),
  uri: z.string().min(1, 'error_page uri is empty'),
});

export const resolverConfigSchema = z.strictObject({
  addresses: z.array(z.string().min(1, 'resolver address is empty')).min(1, 'no name servers defined'),
  validSec: count('resolver valid').optional(),
  ipv6: z.boolean(),
});

export const proxySettingsSchema = z.strictObject({
  upstream: z.string().min(1, 'proxy_pass names no upstream').optional(),
  uri: z.string().startsWith('/', 'the proxy_pass URI must start with "/"').optional(),
  url: z
    .string()
    .includes('$', { message: 'a proxy_pass URL without variables names an upstream' })
    .optional(),
  resolver: resolverConfigSchema.optional(),
  resolverTimeoutMs: count('resolver_timeout').optional(),
  setHeaders: z.array(headerDirectiveSchema),
  nextUpstream: z.array(z.enum(NEXT_UPSTREAM_CONDITIONS)),
  nextUpstreamTries: count('proxy_next_upstream_tries'),
  nextUpstreamTimeoutMs: count('proxy_next_upstream_timeout'),
  connectTimeoutMs: count('proxy_connect_timeout'),
  readTimeoutMs: count('proxy_read_timeout'),
  sendTimeoutMs: count('proxy_send_timeout'),
  httpVersion: z.enum(['1.0', '1.1']),
  interceptErrors: z.boolean().optional(),
});

const logPath = z.string().min(1, 'log path is empty');

export const accessLogConfigSchema = z.strictObject({
  path: logPath,
  format: z.string().min(1, 'log format name is empty'),
  bufferBytes: count('access_log buffer'),
  flushMs: count('access_log flush'),
});

export const errorLogConfigSchema = z.strictObject({ path: logPath, level: z.enum(ERROR_LOG_LEVELS) });

export const logFormatConfigSchema = z.strictObject({
  name: z.string().min(1, 'log format name is empty'),
  escape: z.enum(['default', 'json', 'none']),
  format: z.string(),
});

export const locationConfigSchema = z.strictObject({
  modifier: z.enum(['', '=', '^~', '@']),
  path: z.string(),
  proxy: proxySettingsSchema.optional(),
  addHeaders: z.array(addHeaderDirectiveSchema),
  errorPages: z.array(errorPageDirectiveSchema).optional(),
  return: z
    .strictObject({
      status: z.number().int().min(0, 'return code must be 0-999').max(999, 'return code must be 0-999'),
      body: z.string().optional(),
    })
    .optional(),
  accessLog: z.array(accessLogConfigSchema).optional(),
  errorLog: errorLogConfigSchema.optional(),
});

export const listenConfigSchema = z.strictObject({
  host: z.string().min(1, 'listen host is empty'),
  port: z.number().int().min(1, 'port must be 1-65535').max(65535, 'port must be 1-65535'),
  defaultServer: z.boolean(),
});

export const serverBlockConfigSchema = z.strictObject({
  listen: z.array(listenConfigSchema).min(1, 'a server block needs at least one listen address'),
  serverNames: z.array(z.string()),
  locations: z.array(locationConfigSchema),
  serverLevel: locationConfigSchema
    .pick({ addHeaders: true, errorPages: true, accessLog: true, errorLog: true })
    .optional(),
  clientHeaderTimeoutMs: count('client_header_timeout'),
  clientBodyTimeoutMs: count('client_body_timeout'),
  keepaliveTimeoutMs: count('keepalive_timeout'),
  sendTimeoutMs: count('send_timeout'),
  clientMaxBodySize: z.number().int().min(0, 'client_max_body_size cannot be negative'),
  keepaliveRequests: count('keepalive_requests').optional(),
  underscoresInHeaders: z.boolean().optional(),
  ignoreInvalidHeaders: z.boolean().optional(),
});

/**
 * The shape of a ProxyConfig arriving over an edge (UI, API, file). Cross-field rules (backup vs
 * hash methods, references to upstreams) are in validateProxyConfig.
 */
export const proxyConfigSchema = z.strictObject({
  upstreams: z.array(upstreamConfigSchema),
  servers: z.array(serverBlockConfigSchema),
  logFormats: z.array(logFormatConfigSchema).optional(),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time guard: the schema and the model in core/balancer/config.ts must not drift apart. */
export const schemaMatchesModel: Same<z.output<typeof proxyConfigSchema>, ProxyConfig> = true;
