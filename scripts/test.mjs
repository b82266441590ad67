// `npm test`: unit and integration tests (vitest), then the build and the e2e suite (Playwright).
// Vitest failures do not stop the e2e run; the exit code reports any failure.
import { run, seconds } from './run.mjs';

const results = [];

async function step(name, command, args) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = performance.now();
  const code = await run(command, args);
  results.push({ name, ok: code === 0, note: seconds(started) });
  return code === 0;
}

await step('unit and integration tests', 'vitest', ['run']);
if (await step('build', 'electron-vite', ['build'])) {
  await step('end-to-end tests', 'playwright', ['test']);
} else {
  results.push({ name: 'end-to-end tests', ok: false, note: 'not run: the build failed' });
}

console.log('\n=== summary');
for (const { name, ok, note } of results) console.log(`${ok ? 'ok    ' : 'FAILED'} ${name} (${note})`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
