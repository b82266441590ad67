/** The two record types nginx's resolver asks for. */
export const TYPE_A = 1;
export const TYPE_AAAA = 28;
const TYPE_CNAME = 5;
const CLASS_IN = 1;

/** A standard recursive query for one name. */
export function encodeQuery(id: number, name: string, type: number): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .filter((label) => label !== '');
  const parts = [header(id)];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'latin1');
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  const tail = Buffer.alloc(5);
  tail.writeUInt16BE(type, 1);
  tail.writeUInt16BE(CLASS_IN, 3);
  parts.push(tail);
  return Buffer.concat(parts);
}

function header(id: number): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(id, 0);
  head.writeUInt16BE(0x0100, 2);
  head.writeUInt16BE(1, 4);
  return head;
}

export interface DnsAnswer {
  id: number;
  /** The response code: 0 NOERROR, 3 NXDOMAIN, ... */
  rcode: number;
  truncated: boolean;
  /** Addresses of the asked type, in the order sent. */
  addresses: string[];
  /** The smallest TTL of those records, in seconds. */
  ttlSec: number;
  /** A CNAME answered without its target's addresses. */
  cname?: string;
}

/** Parses a response; throws on a message too short or malformed to read. */
export function decodeAnswer(message: Buffer, type: number): DnsAnswer {
  if (message.length < 12) throw new Error('short DNS message');
  const id = message.readUInt16BE(0);
  const flags = message.readUInt16BE(2);
  if ((flags & 0x8000) === 0) throw new Error('not a DNS response');
  const questions = message.readUInt16BE(4);
  const answers = message.readUInt16BE(6);
  let offset = 12;
  for (let i = 0; i < questions; i++) offset = readName(message, offset).end + 4;
  const result: DnsAnswer = {
    id,
    rcode: flags & 0x0f,
    truncated: (flags & 0x0200) !== 0,
    addresses: [],
    ttlSec: Infinity,
  };
  for (let i = 0; i < answers; i++) {
    offset = readName(message, offset).end;
    const rtype = message.readUInt16BE(offset);
    const ttl = message.readUInt32BE(offset + 4);
    const length = message.readUInt16BE(offset + 8);
    const data = offset + 10;
    if (data + length > message.length) throw new Error('truncated DNS record');
    if (rtype === type && type === TYPE_A && length === 4) {
      result.addresses.push([...message.subarray(data, data + 4)].join('.'));
      result.ttlSec = Math.min(result.ttlSec, ttl);
    } else if (rtype === type && type === TYPE_AAAA && length === 16) {
      result.addresses.push(ipv6Text(message.subarray(data, data + 16)));
      result.ttlSec = Math.min(result.ttlSec, ttl);
    } else if (rtype === TYPE_CNAME) {
      result.cname = readName(message, data).name;
    }
    offset = data + length;
  }
  if (result.addresses.length > 0) delete result.cname;
  if (result.ttlSec === Infinity) result.ttlSec = 0;
  return result;
}

/** A possibly compressed name at `offset`; `end` is where the record goes on. */
function readName(message: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let offset = start;
  let end = -1;
  for (let steps = 0; steps < 256; steps++) {
    const length = message[offset];
    if (length === undefined) throw new Error('truncated DNS name');
    if (length === 0) return { name: labels.join('.'), end: end < 0 ? offset + 1 : end };
    if ((length & 0xc0) === 0xc0) {
      if (end < 0) end = offset + 2;
      offset = message.readUInt16BE(offset) & 0x3fff;
      continue;
    }
    labels.push(message.toString('latin1', offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  throw new Error('DNS name loops');
}

/** The canonical text (`::1`), as WHATWG URL prints an IPv6 host. */
function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}
