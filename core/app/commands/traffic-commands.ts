import type { LabController } from '../lab-controller';
import type { TrafficControl } from '../traffic-control';
import { ACK, type CommandGroup } from './table';

export function trafficCommands(
  lab: LabController,
  traffic: TrafficControl,
): CommandGroup<'traffic.start' | 'traffic.stop'> {
  return {
    'traffic.start': {
      async handle(options) {
        const url = lab.session?.url;
        if (!url) throw new Error('start the lab first: traffic goes to its balancer');
        await traffic.start(url, options);
        return ACK;
      },
    },
    'traffic.stop': {
      async handle() {
        await traffic.stop();
        return ACK;
      },
    },
  };
}
