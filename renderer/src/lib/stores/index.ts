import type { ApiClient, LogLine } from '../../../../core/api/contract';
import { isConnectedClient } from '../api/client';
import { createConnectionStore } from './connection';
import { createContainersStore } from './containers';
import { createLabStore } from './lab';
import { createLocaleStore, initialLocale } from './locale';
import { createLogStore } from './logs';
import { createMetricsStore } from './metrics';
import { createNoticeStore } from './notices';
import { createPreviewStore } from './preview';
import { createSourcesStore } from './sources';
import { createTerminalStore } from './terminal';
import { createTimelineStore } from './timeline';

export { toSvelte } from './adapter';

export interface Stores {
  lab: ReturnType<typeof createLabStore>;
  logs: ReturnType<typeof createLogStore>;
  metrics: ReturnType<typeof createMetricsStore>;
  timeline: ReturnType<typeof createTimelineStore>;
  notices: ReturnType<typeof createNoticeStore>;
  preview: ReturnType<typeof createPreviewStore>;
  sources: ReturnType<typeof createSourcesStore>;
  connection: ReturnType<typeof createConnectionStore>;
  terminal: ReturnType<typeof createTerminalStore>;
  containers: ReturnType<typeof createContainersStore>;
  locale: ReturnType<typeof createLocaleStore>;
}

/** The stores of one page; the locale starts from the page's address, its saved choice or the browser's. */
export function createStores(page?: {
  search: string;
  languages: readonly string[];
  storage?: Storage;
}): Stores {
  const locale = page
    ? createLocaleStore(initialLocale(page.search, page.languages, page.storage), page.storage)
    : createLocaleStore({ language: 'en', digits: 'latn' });
  return {
    locale,
    lab: createLabStore(),
    logs: createLogStore(),
    metrics: createMetricsStore(),
    timeline: createTimelineStore(),
    notices: createNoticeStore(),
    preview: createPreviewStore(),
    sources: createSourcesStore(),
    connection: createConnectionStore(),
    terminal: createTerminalStore(),
    containers: createContainersStore(),
  };
}

/** How many earlier lines to ask for on connect (the core keeps fewer; it sends what it has). */
const BACKLOG_LIMIT = 100_000;

/**
 * Feeds the stores from the API's events: the one way data comes into the page. On every
 * (re)connect the log backlog is loaded first; live lines arriving meanwhile wait for it, so the
 * log stays in order and nothing appears twice.
 */
export function feed(client: ApiClient, stores: Stores): () => void {
  const offs: Array<() => void> = [];
  let held: LogLine[][] | null = null;

  offs.push(
    client.on('lab', (view) => stores.lab.getState().set(view)),
    client.on('metrics', (sample) => stores.metrics.getState().addMetrics(sample)),
    client.on('requests', (samples) => stores.metrics.getState().addRequests(samples)),
    client.on('timeline', (event) => stores.timeline.getState().add(event)),
    client.on('containers', (samples) => stores.containers.getState().set(samples)),
    client.on('notice', ({ level, message }) => stores.notices.getState().push(level, message)),
    client.on('logs', (lines) => {
      if (held) held.push(lines);
      else stores.logs.getState().enqueue(lines);
    }),
  );

  const loadHistory = async (): Promise<void> => {
    try {
      const { timeline, metrics } = await client.call('history.get', {});
      stores.timeline.getState().backfill(timeline);
      stores.metrics.getState().backfill(metrics);
    } catch (error) {
      stores.notices
        .getState()
        .push('warning', `The lab's history could not be loaded: ${(error as Error).message}`);
    }
  };

  const loadBacklog = async (): Promise<void> => {
    void loadHistory();
    held = [];
    try {
      stores.logs.getState().backlog(await client.call('logs.backlog', { limit: BACKLOG_LIMIT }));
    } catch (error) {
      stores.notices
        .getState()
        .push('warning', `Earlier log lines could not be loaded: ${(error as Error).message}`);
    } finally {
      const lines = held;
      held = null;
      for (const batch of lines) stores.logs.getState().enqueue(batch);
    }
  };

  // Closes each second of the request-rate series, so the chart moves even when nothing is sent.
  const ticker = setInterval(() => stores.metrics.getState().tick(), 1000);
  offs.push(() => clearInterval(ticker));

  if (isConnectedClient(client)) {
    // The dashboard server sends the lab view itself on every new connection.
    offs.push(
      client.onStatus((status) => {
        stores.connection.setState({ status });
        if (status.state === 'open') void loadBacklog();
      }),
    );
  } else {
    // Electron's IPC is there from the start and sends no greeting: ask for the view once.
    client.call('lab.get', {}).then(
      (view) => {
        if (!stores.lab.getState().view) stores.lab.getState().set(view);
      },
      (error: Error) => stores.notices.getState().push('error', `Cannot read the lab: ${error.message}`),
    );
    void loadBacklog();
  }
  return () => offs.forEach((off) => off());
}
