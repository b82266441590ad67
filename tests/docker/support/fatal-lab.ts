// Run as its own process: a real lab up, the last-resort handler `up` installs, then an error
// nothing catches (argv[3]: "throw" from a timer, or "reject" a promise nobody awaits).
import { createLab } from '../../../core/docker/lab';
import { installLastResort } from '../../../core/cli/signals';
import { testDocker, SAMPLE_BACKEND } from '../../support/docker';

const [lab, how] = process.argv.slice(2) as [string, 'throw' | 'reject'];
const runtime = createLab({ lab, project: SAMPLE_BACKEND, replicas: 1, docker: testDocker(), offline: true });
installLastResort({ cleanup: () => runtime.down() });
await runtime.build();
await runtime.up();
process.stdout.write('up\n');
setTimeout(() => {
  if (how === 'throw') throw new Error('boom from a timer');
  void Promise.reject(new Error('boom from a promise'));
}, 10);
