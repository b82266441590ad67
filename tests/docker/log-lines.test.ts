import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../core/logs/lines';
import { RingBuffer } from '../../core/logs/ring';
import { FrameAssembler, RawLineAssembler } from '../../core/docker/log-frames';

describe('LineSplitter', () => {
  it('carries partial lines across chunks and flushes the rest', () => {
    const s = new LineSplitter();
    expect(s.push('one\ntw')).toEqual(['one']);
    expect(s.pending).toBe(true);
    expect(s.push('o\r\nthree\n\nfo')).toEqual(['two', 'three', '']);
    expect(s.flush()).toBe('fo');
    expect(s.flush()).toBeUndefined();
  });

  it('joins a UTF-8 character cut between two chunks', () => {
    const bytes = Buffer.from('سلام\n');
    const s = new LineSplitter();
    expect(s.push(bytes.subarray(0, 3))).toEqual([]);
    expect(s.push(bytes.subarray(3))).toEqual(['سلام']);
  });
});

describe('RingBuffer', () => {
  it('keeps the newest items and reads what came after a sequence number', () => {
    const ring = new RingBuffer<number>(3);
    const seqs = [1, 2, 3, 4, 5].map((n) => ring.push(n));
    expect(seqs).toEqual([0, 1, 2, 3, 4]);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.size).toBe(3);
    expect(ring.dropped).toBe(2);
    expect(ring.after(2)).toEqual([4, 5]);
    expect(ring.after(0)).toEqual([3, 4, 5]);
    expect(ring.after(4)).toEqual([]);
    ring.clear();
    expect(ring.toArray()).toEqual([]);
    expect(ring.push(6)).toBe(5);
    expect(ring.after(4)).toEqual([6]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});

const TS1 = '2026-11-25T08:03:43.050082821Z';
const TS2 = '2026-11-25T08:03:43.075096999Z';
const frame = (ts: string, text: string | Buffer) =>
  Buffer.concat([Buffer.from(`${ts} `), Buffer.from(text)]);

describe('FrameAssembler', () => {
  it('joins a line Docker split at 16 KB, dropping the timestamp of each continuation', () => {
    const a = new FrameAssembler(true);
    const long = 'A'.repeat(40_000);
    expect(a.frame(frame(TS1, long.slice(0, 16_384)))).toEqual([]);
    expect(a.frame(frame(TS1, long.slice(16_384, 32_768)))).toEqual([]);
    expect(a.frame(frame(TS1, `${long.slice(32_768)}\n`))).toEqual([{ time: TS1, line: long }]);
  });

  it('keeps the time of the frame where a line started, and flushes a partial last line', () => {
    const a = new FrameAssembler(true);
    expect(a.frame(frame(TS1, 'first\nsec'))).toEqual([{ time: TS1, line: 'first' }]);
    expect(a.frame(frame(TS2, 'ond\nthird'))).toEqual([{ time: TS1, line: 'second' }]);
    expect(a.flush()).toEqual({ time: TS2, line: 'third' });
  });

  it('joins a multi-byte character cut by the split', () => {
    const a = new FrameAssembler(true);
    const text = Buffer.from(`x${'ب'.repeat(10)}\n`);
    expect(a.frame(frame(TS1, text.subarray(0, 4)))).toEqual([]);
    expect(a.frame(frame(TS1, text.subarray(4)))).toEqual([{ time: TS1, line: `x${'ب'.repeat(10)}` }]);
  });

  it('passes text through when timestamps are off', () => {
    const a = new FrameAssembler(false);
    expect(a.frame(Buffer.from('a\nb\n'))).toEqual([
      { time: '', line: 'a' },
      { time: '', line: 'b' },
    ]);
  });
});

describe('RawLineAssembler (TTY)', () => {
  it('splits raw chunks into timestamped lines', () => {
    const a = new RawLineAssembler(true);
    expect(a.chunk(Buffer.from(`${TS1} hello\r\n${TS2} wor`))).toEqual([{ time: TS1, line: 'hello' }]);
    expect(a.chunk(Buffer.from('ld\r\n'))).toEqual([{ time: TS2, line: 'world' }]);
    expect(a.flush()).toBeUndefined();
  });
});
