import type { Message } from 'kafkajs';
import { chunkBySize } from './chunk-by-size.ts';

const msg = (bytes: number): Message => ({ key: 'k', value: Buffer.alloc(bytes) });

describe('chunkBySize', () => {
  it('keeps every message, in order, in requests under the limit', () => {
    const byTopic = new Map([
      ['a', Array.from({ length: 50 }, () => msg(100))],
      ['b', Array.from({ length: 30 }, () => msg(300))],
    ]);
    const chunks = chunkBySize(byTopic, 2_000);
    const flattened = chunks.flatMap((c) => c.flatMap((t) => t.messages.map(() => t.topic)));
    expect(flattened).toEqual([...Array<string>(50).fill('a'), ...Array<string>(30).fill('b')]);
    for (const chunk of chunks) {
      const bytes = chunk.flatMap((t) => t.messages).reduce((n, m) => n + (m.value as Buffer).length + 64, 0);
      expect(bytes).toBeLessThanOrEqual(2_000 + 364);
    }
    expect(chunks.length).toBeGreaterThan(5);
  });

  it('sends a single oversized message alone rather than dropping it', () => {
    const chunks = chunkBySize(new Map([['a', [msg(10), msg(5_000), msg(10)]]]), 1_000);
    expect(chunks.map((c) => c.flatMap((t) => t.messages).length)).toEqual([1, 1, 1]);
  });

  it('gives nothing for nothing', () => {
    expect(chunkBySize(new Map(), 1_000)).toEqual([]);
  });
});
