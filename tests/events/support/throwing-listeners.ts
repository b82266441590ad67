// Run as its own process: every kind of listener throws; the process must live to print "alive".
import { Emitter } from '../../../core/events/emitter';
import { RecordBatcher } from '../../../core/balancer/record-batcher';
import type { RequestRecord } from '../../../core/balancer/record';

const emitter = new Emitter<{ tick: number }>();
emitter.on('tick', () => {
  throw new Error('listener boom');
});
for (let i = 0; i < 3; i++) emitter.emit('tick', i);

const batcher = new RecordBatcher(5);
batcher.subscribe(() => {
  throw new Error('records boom');
});
batcher.push({} as RequestRecord);

setTimeout(() => {
  batcher.close();
  process.stdout.write('alive\n');
}, 100);
