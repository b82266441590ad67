import { expect, type Locator, type Page } from '@playwright/test';

export type BackendButton = 'Kill' | 'Stop' | 'Pause' | 'Restore' | 'Drain';

/** The dashboard as a user sees it: by roles and accessible names, not by CSS. */
export class DashboardPage {
  readonly backends: Locator;
  readonly chart: Locator;
  readonly chartCaption: Locator;
  readonly timeline: Locator;
  readonly logs: Locator;
  readonly logLines: Locator;
  readonly logSearch: Locator;
  readonly matchCount: Locator;
  readonly logCounts: Locator;
  readonly setup: Locator;

  constructor(readonly page: Page) {
    this.backends = page.getByRole('region', { name: 'Backends' });
    this.chart = page.getByRole('figure', { name: 'Request distribution' });
    this.chartCaption = this.chart.getByTestId('chart-caption');
    this.timeline = page.getByRole('region', { name: 'Timeline' });
    this.logs = page.getByRole('region', { name: 'Logs' });
    this.logLines = page.getByRole('log', { name: 'Log lines' });
    this.logSearch = page.getByRole('searchbox', { name: 'Search logs' });
    this.matchCount = page.getByTestId('match-count');
    this.logCounts = page.getByTestId('log-counts');
    this.setup = page.getByRole('region', { name: 'Lab setup' });
  }

  async waitConnected(): Promise<void> {
    await expect(this.page.getByTestId('connection-state')).toContainText('connected', { timeout: 15_000 });
  }

  row(backend: string): Locator {
    return this.page.getByRole('row', { name: backend, exact: true });
  }

  /** A backend's details row (HAProxy's per-server figures), while open. */
  details(backend: string): Locator {
    return this.page.getByRole('row', { name: `Details of ${backend}`, exact: true });
  }

  /** The button that opens and closes a backend's details. */
  detailsToggle(backend: string): Locator {
    return this.page.getByRole('button', { name: `Details of ${backend}`, exact: true });
  }

  /** The state badge's text in a backend's row. */
  state(backend: string): Locator {
    return this.row(backend).getByRole('cell').first();
  }

  button(action: BackendButton, backend: string): Locator {
    return this.page.getByRole('button', { name: `${action} ${backend}`, exact: true });
  }

  /** A backend's `⋯` button, which discloses its other actions. */
  moreActions(backend: string): Locator {
    return this.page.getByRole('button', { name: `More actions for ${backend}`, exact: true });
  }

  /** The other actions of a backend (Restart, Disconnect, Maintenance, the toxics), while open. */
  actionMenu(backend: string): Locator {
    return this.page.getByRole('group', { name: `Other actions on ${backend}`, exact: true });
  }

  /** The box the backends table scrolls in, sideways when it does not fit. */
  get backendsScrollBox(): Locator {
    return this.backends.getByTestId('backends-scroll');
  }

  /** A backend's last error, as its row shows it. */
  lastError(backend: string): Locator {
    return this.row(backend).getByTestId('last-error');
  }

  get skipLink(): Locator {
    return this.page.getByRole('link', { name: 'Skip to backends' });
  }

  /** A backend's share of the last seconds, as the chart's legend writes it (0..100). */
  async share(backend: string): Promise<number> {
    const text = await this.chart.getByTestId(`share-${backend}`).textContent();
    const match = /(\d+(?:\.\d+)?)%/.exec(text ?? '');
    return match ? Number(match[1]) : NaN;
  }

  /** Requests each backend served in the latest complete second, from the chart's caption. */
  async latestSecond(): Promise<Record<string, number>> {
    const text = (await this.chartCaption.textContent()) ?? '';
    const out: Record<string, number> = {};
    for (const [, name, n] of text.matchAll(/(backend\d+) (\d+)/g)) out[name!] = Number(n);
    return out;
  }

  /** Rows the log view has in the DOM (not the lines it holds). */
  renderedLogRows(): Locator {
    return this.logLines.locator('.row:not(.probe)');
  }

  /** `received` from the log pane's counters. */
  async logsReceived(): Promise<number> {
    const text = (await this.logCounts.textContent()) ?? '';
    const match = /([\d,]+) received/.exec(text);
    return match ? Number(match[1]!.replace(/,/g, '')) : 0;
  }

  async logsShown(): Promise<number> {
    const text = (await this.logCounts.textContent()) ?? '';
    const match = /([\d,]+) lines shown/.exec(text);
    return match ? Number(match[1]!.replace(/,/g, '')) : 0;
  }

  /** "3 of 17" → [3, 17]. */
  async matchRank(): Promise<[number, number]> {
    const text = (await this.matchCount.textContent()) ?? '';
    const match = /(\d+) of ([\d,]+)/.exec(text);
    return match ? [Number(match[1]), Number(match[2]!.replace(/,/g, ''))] : [0, 0];
  }
}
