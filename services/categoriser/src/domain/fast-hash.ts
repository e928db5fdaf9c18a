// A streaming 64-bit non-cryptographic hash (two MurmurHash3-style lanes with different seeds and
// rotations). Measured: node:crypto costs 2-7 µs per call here (HMAC-SHA256 ≈ 7 µs, SHA-1 ≈ 2 µs),
// more than the whole decision budget; this needs no intermediate string and far less time.
// It identifies inputs (a collision needs ~2^32 inputs) and keys the sample; it is not a MAC.
// State lives in module variables (one hash at a time: every caller is synchronous) so the hot
// loops work on locals instead of object fields.

// [lane 1, lane 2, words mixed]; a typed array, because module-level `let` bindings pay a
// temporal-dead-zone check on every access in the hot loop.
const state = new Int32Array(3);

export function hashStart(seed1: number, seed2: number): void {
  state[0] = seed1;
  state[1] = seed2;
  state[2] = 0;
}

/** A word as the lanes take it (MurmurHash3's k1 mixing). */
export function scramble(word: number): number {
  const k = Math.imul(word, 0xcc9e2d51);
  return Math.imul((k << 15) | (k >>> 17), 0x1b873593);
}
/** One step of the first lane with a scrambled word. */
export function stepLane1(a: number, k: number): number {
  const h = a ^ k;
  return (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
}
/** One step of the second lane: other rotation and constants, so the lanes stay independent. */
export function stepLane2(b: number, k: number): number {
  const h = b ^ k;
  return (Math.imul((h << 17) | (h >>> 15), 9) + 0x38495ab5) | 0;
}

export function hashWord(word: number): void {
  const k = scramble(word);
  state[0] = stepLane1(state[0]!, k);
  state[1] = stepLane2(state[1]!, k);
  state[2]!++;
}

/** Length first, so "ab"+"c" and "a"+"bc" differ; two UTF-16 units per word. */
export function hashString(s: string): void {
  const n = s.length;
  hashWord(n);
  let a = state[0]!;
  let b = state[1]!;
  for (let i = 0; i < n; i += 2) {
    const k = scramble(s.charCodeAt(i) | (i + 1 < n ? s.charCodeAt(i + 1) << 16 : 0));
    a = stepLane1(a, k);
    b = stepLane2(b, k);
  }
  state[0] = a;
  state[1] = b;
  state[2] = state[2]! + ((n + 1) >> 1);
}

/** Integers in the safe range hash exactly as two words; other numbers by their decimal text. */
export function hashNumber(x: number): void {
  if (x >= 0 && x <= 0x7fffffff && (x | 0) === x) {
    hashWord(x);
    hashWord(0);
  } else if (Number.isSafeInteger(x)) {
    hashWord(x >>> 0);
    hashWord(Math.floor(x / 4294967296) ^ 0x5a5a5a5a);
  } else {
    hashWord(0x7f7f7f7f);
    hashString(String(x));
  }
}

/** MurmurHash3's finaliser: every input bit affects every output bit. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** First finalised lane (32 bits). */
export function hashHigh(): number {
  return fmix(state[0]! ^ state[2]!);
}

/** Second lane, mixed with the first so the lanes do not finish independently. */
export function hashLow(): number {
  return fmix(((state[1]! ^ state[2]!) + fmix(state[0]! ^ state[2]!)) | 0);
}

const hexDigits = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function hex8(n: number): string {
  return (
    hexDigits[n >>> 24]! + hexDigits[(n >>> 16) & 255]! + hexDigits[(n >>> 8) & 255]! + hexDigits[n & 255]!
  );
}

export function hashHex(): string {
  return hex8(hashHigh()) + hex8(hashLow());
}
