// Every namespace's message files, one import per language and namespace. A namespace is a file
// under messages/<language>/; tests/i18n checks that both languages have the same keys.
// The import attribute lets Playwright's loader (and Node) read them, as Vite and tsx do.
import enCommon from './messages/en/common.json' with { type: 'json' };
import enApp from './messages/en/app.json' with { type: 'json' };
import enBackends from './messages/en/backends.json' with { type: 'json' };
import enBuild from './messages/en/build.json' with { type: 'json' };
import enChaos from './messages/en/chaos.json' with { type: 'json' };
import enChart from './messages/en/chart.json' with { type: 'json' };
import enCli from './messages/en/cli.json' with { type: 'json' };
import enDetails from './messages/en/details.json' with { type: 'json' };
import enExplain from './messages/en/explain.json' with { type: 'json' };
import enLogs from './messages/en/logs.json' with { type: 'json' };
import enProject from './messages/en/project.json' with { type: 'json' };
import enSetup from './messages/en/setup.json' with { type: 'json' };
import enStates from './messages/en/states.json' with { type: 'json' };
import enTerminal from './messages/en/terminal.json' with { type: 'json' };
import enTimeline from './messages/en/timeline.json' with { type: 'json' };
import enTraffic from './messages/en/traffic.json' with { type: 'json' };
import enUpdates from './messages/en/updates.json' with { type: 'json' };
import faCommon from './messages/fa/common.json' with { type: 'json' };
import faApp from './messages/fa/app.json' with { type: 'json' };
import faBackends from './messages/fa/backends.json' with { type: 'json' };
import faBuild from './messages/fa/build.json' with { type: 'json' };
import faChaos from './messages/fa/chaos.json' with { type: 'json' };
import faChart from './messages/fa/chart.json' with { type: 'json' };
import faCli from './messages/fa/cli.json' with { type: 'json' };
import faDetails from './messages/fa/details.json' with { type: 'json' };
import faExplain from './messages/fa/explain.json' with { type: 'json' };
import faLogs from './messages/fa/logs.json' with { type: 'json' };
import faProject from './messages/fa/project.json' with { type: 'json' };
import faSetup from './messages/fa/setup.json' with { type: 'json' };
import faStates from './messages/fa/states.json' with { type: 'json' };
import faTerminal from './messages/fa/terminal.json' with { type: 'json' };
import faTimeline from './messages/fa/timeline.json' with { type: 'json' };
import faTraffic from './messages/fa/traffic.json' with { type: 'json' };
import faUpdates from './messages/fa/updates.json' with { type: 'json' };

export const RESOURCES = {
  en: {
    common: enCommon,
    app: enApp,
    backends: enBackends,
    build: enBuild,
    chaos: enChaos,
    chart: enChart,
    cli: enCli,
    details: enDetails,
    explain: enExplain,
    logs: enLogs,
    project: enProject,
    setup: enSetup,
    states: enStates,
    terminal: enTerminal,
    timeline: enTimeline,
    traffic: enTraffic,
    updates: enUpdates,
  },
  fa: {
    common: faCommon,
    app: faApp,
    backends: faBackends,
    build: faBuild,
    chaos: faChaos,
    chart: faChart,
    cli: faCli,
    details: faDetails,
    explain: faExplain,
    logs: faLogs,
    project: faProject,
    setup: faSetup,
    states: faStates,
    terminal: faTerminal,
    timeline: faTimeline,
    traffic: faTraffic,
    updates: faUpdates,
  },
} as const;

export type Namespace = keyof (typeof RESOURCES)['en'];
export const NAMESPACES = Object.keys(RESOURCES.en) as Namespace[];
