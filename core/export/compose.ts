import { SAMPLE_BACKEND } from '../lab/sample';
import { isAbsolute, resolve } from 'node:path';
import { Document, Scalar, type YAMLMap } from 'yaml';
import { throughMirror } from '../docker/mirrors';
import { defaultImageTag } from '../docker/labels';
import { DEFAULT_LISTEN, parseListen } from '../lab/default-config';
import type { LabRecord } from '../state/lab-record';
import { exportNginx } from './nginx';
import { CONTAINER_HTTP_PORT, REPLICA_PORT, replicaNames } from './proxy-config';

export interface ExportFile {
  name: string;
  text: string;
}

export interface ComposeExportOptions {
  /** The project built when settings.project is empty; default the bundled sample backend. */
  sampleProject?: string;
}

export const NGINX_IMAGE = 'nginx:1.27';

/**
 * The lab as a Docker Compose project: compose.yaml (replicas backend1..N from one image, and
 * nginx publishing settings.listen's port) and the nginx.conf it mounts from beside it.
 */
export function exportCompose(
  record: LabRecord,
  options: ComposeExportOptions = {},
): { files: ExportFile[] } {
  return {
    files: [
      { name: 'compose.yaml', text: composeYaml(record, options) },
      { name: 'nginx.conf', text: exportNginx(record) },
    ],
  };
}

export function composeYaml(record: LabRecord, options: ComposeExportOptions = {}): string {
  const { settings } = record;
  const replicas = replicaNames(settings);
  const hostPort = parseListen(settings.listen || DEFAULT_LISTEN).port;
  // YAML 1.1 is what docker-compose v1 (PyYAML) reads: strings like "on" or "0777" get quoted.
  const doc = new Document(
    { 'x-backend': backendTemplate(record, options), services: {} },
    { version: '1.1' },
  );
  const template = doc.get('x-backend', true) as YAMLMap;
  const backend = doc.createAlias(template, 'backend');
  const services = doc.get('services', true) as YAMLMap;
  for (const name of replicas) {
    const service = doc.createNode({ environment: { REPLICA_NAME: name } }) as YAMLMap;
    // One template, merged into each service: one image, built once (the others find it built).
    service.items.unshift(doc.createPair('<<', backend));
    services.set(name, service);
  }
  services.set(
    'nginx',
    doc.createNode({
      image: throughMirror(NGINX_IMAGE, settings.registryMirrors[0]),
      volumes: ['./nginx.conf:/etc/nginx/nginx.conf:ro'],
      ports: [quoted(`${hostPort}:${CONTAINER_HTTP_PORT}`)],
      depends_on: replicas,
      restart: 'unless-stopped',
    }),
  );
  doc.commentBefore = [
    ` Lab "${settings.lab}", exported by Upstream Lab: ${replicas.length} Django replicas behind nginx.`,
    ' nginx.conf (exported with this file) must sit beside it.',
    ' Run:  docker compose up --build   (Compose v1: docker-compose -f compose.yaml up --build)',
    ` Then: http://localhost:${hostPort}/`,
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}

function backendTemplate(record: LabRecord, options: ComposeExportOptions): Record<string, unknown> {
  const { settings } = record;
  return {
    build: { context: projectFolder(record, options) },
    image: defaultImageTag(settings.lab),
    expose: [quoted(String(REPLICA_PORT))],
    restart: 'unless-stopped',
  };
}

function projectFolder(record: LabRecord, options: ComposeExportOptions): string {
  const project = record.settings.project;
  if (!project) return options.sampleProject ?? SAMPLE_BACKEND;
  return isAbsolute(project) ? project : resolve(project);
}

/** Compose reads an unquoted `8080:80` as a base-60 number (YAML 1.1), so ports are always quoted. */
function quoted(value: string): Scalar<string> {
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}
