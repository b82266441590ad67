import { describe, expect, test } from 'vitest';
import { answerCall } from '../../core/api/answer';
import { commandInputs } from '../../core/api/contract';
import { App } from '../../core/app/app';

/** A small deterministic PRNG, so a failure can be replayed (FUZZ_SEED=...). */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValue(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 2 ? 6 : 8));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return [0, -1, Number.POSITIVE_INFINITY, Number.NaN, 3.5, 2 ** 53, 8080][Math.floor(random() * 7)];
    case 3:
      return ['', 'backend1', 'kill', '../../etc/passwd', '<script>', '0.0.0.0:80', 'x'.repeat(5000)][
        Math.floor(random() * 7)
      ];
    case 4:
      return undefined;
    case 5:
      return '__proto__';
    case 6:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (const key of [
        'backend',
        'action',
        'replicas',
        'lab',
        'listen',
        'toxic',
        'rate',
        'constructor',
      ].slice(0, Math.floor(random() * 5))) {
        object[key] = randomValue(random, depth + 1);
      }
      return object;
    }
  }
}

describe('every message over IPC or WebSocket is validated (fuzz)', () => {
  test('2,000 malformed messages: each refused with an error reply, logged, and without effect', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const app = new App({ settings: { runtime: 'demo' }, stateDir: null });
    const before = JSON.stringify(app.view());
    const names = Object.keys(commandInputs);
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      const kind = random();
      let message: unknown;
      if (kind < 0.2) message = randomValue(random);
      else if (kind < 0.4) {
        const id = randomValue(random);
        // Only ids that are not whole numbers ≥ 0: this category tests the envelope.
        message = {
          id: Number.isInteger(id) && (id as number) >= 0 ? -1 : id,
          command: names[i % names.length],
          input: {},
        };
      } else if (kind < 0.5) message = { id: i, command: randomValue(random), input: {} };
      else {
        // A real command with an input that cannot be valid: every schema is strict, so an unknown key fails.
        const input = randomValue(random);
        const withExtra =
          input !== null && typeof input === 'object' && !Array.isArray(input)
            ? { ...input, [`fuzz${i}`]: randomValue(random) }
            : input;
        message = { id: i, command: names[Math.floor(random() * names.length)], input: withExtra ?? 'x' };
      }
      const reply = await answerCall(app, message);
      expect('error' in reply, `seed ${seed}, message ${i}: ${JSON.stringify(message)?.slice(0, 300)}`).toBe(
        true,
      );
      refused++;
    }
    expect(refused).toBe(2000);
    expect(JSON.stringify(app.view())).toBe(before);
    const lines = await app.call('logs.backlog', { limit: 5000 });
    expect(lines.filter((l) => l.text.startsWith('api: refused a message')).length).toBe(2000);
    await app.close();
  });
});
