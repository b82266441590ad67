import { mount } from 'svelte';
import App from './App.svelte';
import { createClient } from './lib/api/client';
import { createSend, type Dashboard } from './lib/api/context';
import { followLocale } from './lib/i18n';
import { createStores, feed } from './lib/stores';
// The Persian font is shipped (Arabic-script subset only): the lab must look right offline.
import '@fontsource/vazirmatn/arabic-400.css';
import '@fontsource/vazirmatn/arabic-700.css';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const client = createClient(window);
let dashboard: Dashboard | null = null;
if (client) {
  const stores = createStores({
    search: location.search,
    languages: navigator.languages,
    storage: safeStorage(),
  });
  followLocale(stores, document.documentElement);
  feed(client, stores);
  const version = window.api?.version;
  dashboard = {
    stores,
    send: createSend(client, stores),
    on: (event, listener) => client.on(event, listener),
    version: version ? () => version() : null,
  };
}

export default mount(App, { target, props: { dashboard, client } });

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
