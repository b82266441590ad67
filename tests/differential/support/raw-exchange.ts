import { connect } from 'node:net';

/** A response as compared across nginx and ours: no Date, our name for nginx's, no reason phrase. */
export interface ComparableResponse {
  status: string;
  headers: string[];
  body: string;
}

/** Sends raw request bytes on a new connection and reads until the server closes it. */
export function exchangeRaw(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(request, 'latin1'));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
    socket.setTimeout(3000, () => socket.destroy());
  });
}

/**
 * Reason phrases and header order are compared byte for byte in error-pages.test.ts; here: the
 * status code, the header set, the body.
 */
export function comparable(raw: string): ComparableResponse {
  const signed = raw.replaceAll('nginx/1.22.1', 'upstream-lab');
  const end = signed.indexOf('\r\n\r\n');
  const head = end === -1 ? signed : signed.slice(0, end);
  const [statusLine = '', ...lines] = head.split('\r\n');
  return {
    status: statusLine.split(' ')[1] ?? '',
    headers: lines.filter((line) => !/^date:/i.test(line)).sort(),
    body: end === -1 ? '' : signed.slice(end + 4),
  };
}
