import { createSocket, type Socket } from 'node:dgram';

/** A name's A and AAAA addresses; a name not listed gets NXDOMAIN. */
export type Zone = Record<string, { a?: string[]; aaaa?: string[]; ttl?: number }>;

export interface DnsQuery {
  name: string;
  type: number;
}

/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP) for tests: answers A (1) and AAAA (28)
 * from `zone`, NXDOMAIN for other names; `silent` names get no answer at all.
 */
export class TestDns {
  readonly queries: DnsQuery[] = [];
  port = 0;
  private constructor(
    private readonly socket: Socket,
    public zone: Zone,
    public silent = new Set<string>(),
  ) {}

  static async start(zone: Zone): Promise<TestDns> {
    const socket = createSocket('udp4');
    const server = new TestDns(socket, zone);
    socket.on('message', (message, from) => {
      const reply = server.answer(message);
      if (reply) socket.send(reply, from.port, from.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    server.port = socket.address().port;
    return server;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  private answer(message: Buffer): Buffer | null {
    let offset = 12;
    const labels: string[] = [];
    while (message[offset]) {
      const length = message[offset]!;
      labels.push(message.toString('latin1', offset + 1, offset + 1 + length));
      offset += length + 1;
    }
    const question = message.subarray(12, offset + 5);
    const type = message.readUInt16BE(offset + 1);
    const name = labels.join('.').toLowerCase();
    this.queries.push({ name, type });
    if (this.silent.has(name)) return null;
    const entry = this.zone[name];
    const addresses = (type === 1 ? entry?.a : type === 28 ? entry?.aaaa : undefined) ?? [];
    const records = addresses.map((address) => record(type, address, entry?.ttl ?? 60));
    const head = Buffer.alloc(12);
    head.writeUInt16BE(message.readUInt16BE(0), 0);
    head.writeUInt16BE(0x8180 | (entry ? 0 : 3), 2);
    head.writeUInt16BE(1, 4);
    head.writeUInt16BE(records.length, 6);
    return Buffer.concat([head, question, ...records]);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

function record(type: number, address: string, ttl: number): Buffer {
  const data = type === 1 ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt32BE(ttl, 6);
  head.writeUInt16BE(data.length, 10);
  return Buffer.concat([head, data]);
}

function ipv6Bytes(address: string): Buffer {
  const [left = '', right = ''] = address.split('::');
  const head = left === '' ? [] : left.split(':');
  const tail = right === '' ? [] : right.split(':');
  const groups = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}
