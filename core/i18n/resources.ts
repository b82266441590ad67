// Every namespace's message files, one import per language and namespace. A namespace is a file
// under messages/<language>/; tests/i18n checks that both languages have the same keys.
import enBuild from './messages/en/build.json' with { type: 'json' };
import enCommon from './messages/en/common.json' with { type: 'json' };
import enProject from './messages/en/project.json' with { type: 'json' };
import enSetup from './messages/en/setup.json' with { type: 'json' };
import enUpdates from './messages/en/updates.json' with { type: 'json' };
import faBuild from './messages/fa/build.json' with { type: 'json' };
import faCommon from './messages/fa/common.json' with { type: 'json' };
import faProject from './messages/fa/project.json' with { type: 'json' };
import faSetup from './messages/fa/setup.json' with { type: 'json' };
import faUpdates from './messages/fa/updates.json' with { type: 'json' };

export const RESOURCES = {
  en: { common: enCommon, setup: enSetup, updates: enUpdates, build: enBuild, project: enProject },
  fa: { common: faCommon, setup: faSetup, updates: faUpdates, build: faBuild, project: faProject },
} as const;

export type Namespace = keyof (typeof RESOURCES)['en'];
export const NAMESPACES = Object.keys(RESOURCES.en) as Namespace[];
