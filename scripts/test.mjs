// `npm test`: unit and integration tests (vitest), then the build and the e2e suite (Playwright).
// Vitest failures do not stop the e2e run; the exit code reports any failure. The summary ends
// with the failed tests' names and first error lines, because CI logs are read from the tail.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, run, seconds } from './run.mjs';

const vitestReport = join(repoRoot, 'test-reports', 'vitest.json');
const results = [];

async function step(name, command, args) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = performance.now();
  const code = await run(command, args);
  results.push({ name, ok: code === 0, note: seconds(started) });
  return code === 0;
}

/** The failed vitest tests as "file > test: first error line", from the JSON report. */
async function failedUnitTests() {
  let report;
  try {
    report = JSON.parse(await readFile(vitestReport, 'utf8'));
  } catch {
    return ['(no vitest report was written; see the output above)'];
  }
  const failed = [];
  for (const file of report.testResults ?? []) {
    const where = file.name.startsWith(repoRoot) ? file.name.slice(repoRoot.length + 1) : file.name;
    const tests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const test of tests) failed.push(`${where} > ${test.fullName}: ${firstLine(test.failureMessages)}`);
    if (tests.length === 0 && file.status === 'failed') failed.push(`${where}: ${firstLine([file.message])}`);
  }
  return failed;
}

const firstLine = (messages) =>
  String(messages?.find(Boolean) ?? 'failed')
    .split('\n')
    .find((line) => line.trim())
    ?.trim()
    .slice(0, 300) ?? 'failed';

await rm(vitestReport, { force: true });
const unitOk = await step('unit and integration tests', 'vitest', ['run']);
const unitFailures = unitOk ? [] : await failedUnitTests();
if (await step('build', 'electron-vite', ['build'])) {
  await step('end-to-end tests', 'playwright', ['test']);
} else {
  results.push({ name: 'end-to-end tests', ok: false, note: 'not run: the build failed' });
}

console.log('\n=== summary');
for (const { name, ok, note } of results) console.log(`${ok ? 'ok    ' : 'FAILED'} ${name} (${note})`);
if (unitFailures.length > 0) {
  console.log(`\nfailed unit and integration tests (${unitFailures.length}):`);
  for (const failure of unitFailures) console.log(`  ${failure}`);
}
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
