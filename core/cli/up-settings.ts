import { labSettings, type LabSettings } from '../api/contract';
import { CliError } from './errors';
import { USAGE_EXIT } from './lab-options';

/** The `up` option behind each setting, where its name is not the setting's in kebab-case. */
const FLAGS: Partial<Record<keyof LabSettings, string>> = {
  composeFile: '--compose',
  registryMirrors: '--registry-mirror',
  envFiles: '--env-file',
};

const flagOf = (key: string): string =>
  FLAGS[key as keyof LabSettings] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * The settings `up`'s options make, checked with the API's schema before the App sees them: a
 * value the dashboard would refuse is one line naming the option (exit 2), not a ZodError trace.
 */
export function settingsFor(settings: Partial<LabSettings>): Partial<LabSettings> {
  const parsed = labSettings.partial().safeParse(settings);
  if (parsed.success) return settings;
  const issue = parsed.error.issues[0]!;
  const [key, ...rest] = issue.path.map(String);
  const value = key === undefined ? undefined : (settings as Record<string, unknown>)[key];
  const shown = typeof value === 'string' ? ` "${value}"` : '';
  const where = rest.length > 0 ? ` (${rest.join('.')})` : '';
  throw new CliError(`${flagOf(key ?? 'settings')}${shown}${where}: ${issue.message}`, USAGE_EXIT);
}
