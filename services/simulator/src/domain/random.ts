// A seeded PRNG (mulberry32) with the draws the generator needs. Streams are forked by name so that
// adding a draw to one part of the generator does not shift every other part's sequence.
import { createHash } from 'node:crypto';

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** Log-normal factor with median 1 and the given sigma (multiplicative noise). */
  logNormal(sigma: number): number;
  normal(): number;
  /** A child stream keyed by name; deterministic for a given parent seed. */
  fork(name: string): Random;
}

function seedFrom(value: string): number {
  return createHash('sha256').update(value).digest().readUInt32LE(0);
}

export function createRandom(seed: number | string): Random {
  const seedText = String(seed);
  let a = seedFrom(seedText);
  const next = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const random: Random = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    between: (lo, hi) => lo + next() * (hi - lo),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted: (items) => {
      if (items.length === 0) throw new RangeError('weighted pick from an empty list');
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) if ((r -= w) < 0) return item;
      return items[items.length - 1]![0];
    },
    logNormal: (sigma) => Math.exp(sigma * normal()),
    normal,
    fork: (name) => createRandom(`${seedText}/${name}`),
  };
  return random;
}
