import type { Terminal } from '@xterm/xterm';
import { withAdoptedStyles } from './adopted-styles';

const THEME = {
  background: '#0f172a',
  foreground: '#e2e8f0',
  cursor: '#93c5fd',
  cursorAccent: '#0f172a',
  selectionBackground: '#334155',
};

export interface XtermView {
  terminal: Terminal;
  dispose(): void;
}

/**
 * An xterm terminal drawn in `host`, fitted to it as it resizes (the window's size changes
 * reach it so). xterm is loaded on first use: most dashboards never open a terminal. `leave`:
 * what F6 does (every other key is the shell's).
 */
export async function openXtermView(host: HTMLElement, leave: () => void): Promise<XtermView> {
  const [{ Terminal }, { FitAddon }] = await Promise.all([
    import('@xterm/xterm'),
    import('@xterm/addon-fit'),
  ]);
  const terminal = new Terminal({
    fontFamily: "ui-monospace, 'SFMono-Regular', 'DejaVu Sans Mono', Menlo, Consolas, monospace",
    fontSize: 13,
    cursorBlink: true,
    scrollback: 5000,
    theme: THEME,
  });
  const fit = new FitAddon();
  terminal.loadAddon(fit);
  terminal.attachCustomKeyEventHandler((event) => {
    if (event.type !== 'keydown' || event.key !== 'F6') return true;
    event.preventDefault();
    leave();
    return false;
  });
  const dropStyles = withAdoptedStyles(host.ownerDocument, () => terminal.open(host));
  fit.fit();
  const resized = new ResizeObserver(() => fit.fit());
  resized.observe(host);
  // The page's own shortcuts (the log's Ctrl+F) must not take the shell's keys.
  const keepKeys = (event: KeyboardEvent): void => event.stopPropagation();
  host.addEventListener('keydown', keepKeys);
  return {
    terminal,
    dispose: () => {
      host.removeEventListener('keydown', keepKeys);
      resized.disconnect();
      terminal.dispose();
      dropStyles();
    },
  };
}
