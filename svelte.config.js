import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** Shared by vite, svelte-check and eslint-plugin-svelte. */
export default { preprocess: vitePreprocess() };
