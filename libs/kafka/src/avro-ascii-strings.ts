// Writing a string: avsc asks Buffer.byteLength (a call into C++) for every string before it writes
// the length and then the bytes. An assessment is mostly short ASCII strings (rule ids, feature names
// and values, levels, codes), and a CPU profile of the categoriser put avsc's string writer at 8 % of
// its main thread, half of it in byteLength. A string shorter than 64 code units is written here
// byte by byte as ASCII, its one-byte length in front; at the first code unit that is not ASCII it is
// handed back to avsc's writer, which writes it over. Longer strings are written with utf8Write two
// bytes after the length's position (a length under 8,192 bytes takes two bytes of varint), so no
// byteLength call either. The bytes are exactly avsc's (a unit test compares them).
import { createRequire } from 'node:module';

// What avsc's writers are handed (avsc internals, 5.x).
export interface Tap {
  // Node's Buffer has utf8Write (what Buffer#write calls for UTF-8), untyped in @types/node.
  buf: Buffer & { utf8Write(s: string, offset: number): number };
  pos: number;
  writeString: (this: Tap, s: string) => void;
}

const patched = Symbol.for('clearway.avsc.asciiFirstWriteString');
const require = createRequire(import.meta.url);
const { Tap } = require('avsc/lib/utils.js') as { Tap?: { prototype: Tap & { [patched]?: true } } };

// Zigzag varint of a length n: 2n; one byte up to 63, two bytes up to 8,191.
const ONE_BYTE_LENGTH = 64;
const TWO_BYTE_LENGTH = 8192;

function asciiFirstWriter(original: (this: Tap, s: string) => void) {
  return function writeString(this: Tap, s: string): void {
    const n = s.length;
    const buf = this.buf;
    const pos = this.pos;
    if (n < ONE_BYTE_LENGTH) {
      const from = pos + 1;
      if (from + n <= buf.length) {
        let i = 0;
        for (; i < n; i++) {
          const c = s.charCodeAt(i);
          if (c >= 0x80) break;
          buf[from + i] = c;
        }
        if (i === n) {
          buf[pos] = n << 1;
          this.pos = from + n;
          return;
        }
      }
    } else if (3 * n < TWO_BYTE_LENGTH && pos + 2 + 3 * n <= buf.length) {
      // At most three bytes per UTF-16 code unit, so the room checked is enough and the length,
      // at least 64 bytes, takes exactly two bytes of varint.
      const length = buf.utf8Write(s, pos + 2);
      const zigzag = length << 1;
      buf[pos] = (zigzag & 0x7f) | 0x80;
      buf[pos + 1] = zigzag >>> 7;
      this.pos = pos + 2 + length;
      return;
    }
    original.call(this, s);
  };
}

/** Replaces avsc's string writer once per process; false when avsc's internals changed shape. */
export function patchAvscStringWriter(): boolean {
  const proto = Tap?.prototype;
  if (proto === undefined || typeof proto.writeString !== 'function') return false;
  if (proto[patched]) return true;
  avscOwn = proto.writeString;
  proto.writeString = asciiFirstWriter(proto.writeString);
  proto[patched] = true;
  return true;
}

let avscOwn: ((this: Tap, s: string) => void) | undefined;

/** For tests that compare bytes: the wrapper, and avsc's own writer it replaced. */
export const asciiFirstWriterForTest = asciiFirstWriter;
export const avscOwnWriterForTest = () => avscOwn;

patchAvscStringWriter();
