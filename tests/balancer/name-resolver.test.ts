import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeAnswer, encodeQuery, TYPE_A } from '../../core/balancer/dns-message';
import { NameResolver, resolutionError } from '../../core/balancer/name-resolver';
import { TestDns } from '../support/dns-server';

describe('DNS messages', () => {
  test('a query asks one recursive question', () => {
    const query = encodeQuery(0x1234, 'a.example', TYPE_A);
    expect(query.toString('hex')).toBe('123401000001000000000000' + '0161076578616d706c6500' + '00010001');
  });

  test('a truncated or foreign message is refused, never read past its end', () => {
    expect(() => decodeAnswer(Buffer.alloc(5), TYPE_A)).toThrow();
    expect(() => decodeAnswer(encodeQuery(1, 'x', TYPE_A), TYPE_A)).toThrow('not a DNS response');
    const looping = Buffer.from('000181800001000100000000c00c00010001', 'hex');
    expect(() => decodeAnswer(looping, TYPE_A)).toThrow();
  });
});

describe('the resolver against a loopback DNS server', () => {
  let dns: TestDns;
  beforeAll(async () => {
    dns = await TestDns.start({
      'one.test': { a: ['127.0.0.5'], aaaa: ['::1'], ttl: 30 },
      'nodata.test': {},
      'three.test': { a: ['127.0.0.1', '127.0.0.2', '127.0.0.3'] },
    });
    dns.silent.add('slow.test');
  });
  afterAll(() => dns.close());

  const resolver = (ipv6: boolean, validSec?: number) =>
    new NameResolver({ addresses: [dns.address], ipv6, ...(validSec === undefined ? {} : { validSec }) });

  test('A then AAAA addresses with ipv6=on, A only with ipv6=off', async () => {
    expect(await resolver(true).resolve('one.test', 1000)).toEqual({ addresses: ['127.0.0.5', '::1'] });
    expect(await resolver(false).resolve('ONE.test', 1000)).toEqual({ addresses: ['127.0.0.5'] });
  });

  test('NXDOMAIN and an empty answer are "Host not found"; silence times out', async () => {
    const r = resolver(false);
    expect(await r.resolve('none.test', 1000)).toEqual({ code: 3 });
    expect(await r.resolve('nodata.test', 1000)).toEqual({ code: 3 });
    expect(await r.resolve('slow.test', 100)).toEqual({ code: 110 });
    const before = dns.queries.length;
    expect(await r.resolve('a..test', 1000)).toEqual({ code: 3 });
    expect(await r.resolve('y'.repeat(256), 1000)).toEqual({ code: 3 });
    expect(dns.queries.length).toBe(before);
    expect(resolutionError('x', 3)).toBe('x could not be resolved (3: Host not found)');
    expect(resolutionError('x', 110)).toBe('x could not be resolved (110: Operation timed out)');
  });

  test('answers are cached for their TTL, lookups of one name in flight are shared', async () => {
    const r = resolver(false);
    const before = dns.queries.length;
    const answers = await Promise.all([r.resolve('one.test', 1000), r.resolve('one.test', 1000)]);
    await r.resolve('one.test', 1000);
    expect(answers[0]).toEqual(answers[1]);
    expect(dns.queries.length - before).toBe(1);
  });

  test('each answer starts at a random address, as nginx rotates them', async () => {
    const r = resolver(false);
    const firsts = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const result = await r.resolve('three.test', 1000);
      if ('code' in result) throw new Error('not resolved');
      expect([...result.addresses].sort()).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
      const at = result.addresses.indexOf('127.0.0.1');
      expect([...result.addresses.slice(at), ...result.addresses.slice(0, at)]).toEqual([
        '127.0.0.1',
        '127.0.0.2',
        '127.0.0.3',
      ]);
      firsts.add(result.addresses[0]!);
    }
    expect(firsts.size).toBeGreaterThan(1);
  });
});
