import { createServer } from 'node:net';
import { parseListen } from '../lab/default-config';

/** `wanted` if it can be bound here now (port 80 needs root), else `fallback`. */
export async function availableListen(wanted: string, fallback: string): Promise<string> {
  const { host, port } = parseListen(wanted);
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
  return free ? wanted : fallback;
}
