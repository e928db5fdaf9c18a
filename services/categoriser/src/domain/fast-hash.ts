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

export function hashWord(k: number): void {
  k = Math.imul(k | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = state[0]! ^ k;
  h = (h << 13) | (h >>> 19);
  state[0] = Math.imul(h, 5) + 0xe6546b64;
  h = state[1]! ^ k;
  h = (h << 17) | (h >>> 15);
  state[1] = Math.imul(h, 9) + 0x38495ab5;
  state[2]!++;
}

/** Length first, so "ab"+"c" and "a"+"bc" differ; two UTF-16 units per word. */
export function hashString(s: string): void {
  const n = s.length;
  hashWord(n);
  let a = state[0]!;
  let b = state[1]!;
  for (let i = 0; i < n; i += 2) {
    let k = s.charCodeAt(i) | (i + 1 < n ? s.charCodeAt(i + 1) << 16 : 0);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    let h = a ^ k;
    h = (h << 13) | (h >>> 19);
    a = (Math.imul(h, 5) + 0xe6546b64) | 0;
    h = b ^ k;
    h = (h << 17) | (h >>> 15);
    b = (Math.imul(h, 9) + 0x38495ab5) | 0;
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

function fmix(h: number): number {
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
