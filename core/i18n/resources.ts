// Every namespace's message files, one import per language and namespace. A namespace is a file
// under messages/<language>/; tests/i18n checks that both languages have the same keys.
import enApp from './messages/en/app.json';
import enCommon from './messages/en/common.json';
import faApp from './messages/fa/app.json';
import faCommon from './messages/fa/common.json';
import enStates from './messages/en/states.json';
import faStates from './messages/fa/states.json';
import enBackends from './messages/en/backends.json';
import faBackends from './messages/fa/backends.json';
import enDetails from './messages/en/details.json';
import faDetails from './messages/fa/details.json';
import enTraffic from './messages/en/traffic.json';
import faTraffic from './messages/fa/traffic.json';
import enChaos from './messages/en/chaos.json';
import faChaos from './messages/fa/chaos.json';
import enTimeline from './messages/en/timeline.json';
import faTimeline from './messages/fa/timeline.json';
import enLogs from './messages/en/logs.json';
import faLogs from './messages/fa/logs.json';
import enChart from './messages/en/chart.json';
import faChart from './messages/fa/chart.json';
import enTerminal from './messages/en/terminal.json';
import faTerminal from './messages/fa/terminal.json';
import enCli from './messages/en/cli.json';
import faCli from './messages/fa/cli.json';
import enExplain from './messages/en/explain.json';
import faExplain from './messages/fa/explain.json';

export const RESOURCES = {
  en: {
    common: enCommon,
    app: enApp,
    states: enStates,
    backends: enBackends,
    details: enDetails,
    traffic: enTraffic,
    chaos: enChaos,
    timeline: enTimeline,
    logs: enLogs,
    chart: enChart,
    terminal: enTerminal,
    cli: enCli,
    explain: enExplain,
  },
  fa: {
    common: faCommon,
    app: faApp,
    states: faStates,
    backends: faBackends,
    details: faDetails,
    traffic: faTraffic,
    chaos: faChaos,
    timeline: faTimeline,
    logs: faLogs,
    chart: faChart,
    terminal: faTerminal,
    cli: faCli,
    explain: faExplain,
  },
} as const;

export type Namespace = keyof (typeof RESOURCES)['en'];
export const NAMESPACES = Object.keys(RESOURCES.en) as Namespace[];
