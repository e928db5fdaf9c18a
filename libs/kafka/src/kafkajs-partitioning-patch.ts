// kafkajs 2.2.4 spends more on choosing partitions than on encoding what it sends. An allocation
// profile of the categoriser (100,000 declarations, transactions of ~7,000 records) put 16 % of
// all bytes allocated here:
// - producer/groupMessagesPerPartition.js copies the partition's whole array for every message
//   (`[...current, message]`), so a batch of n records to p partitions copies ~n²/2p references;
// - partitioners/default/murmur2.js hashes each key with a 64-bit Long object per step, when only
//   the low 32 bits are ever returned (Java's murmur2 works on 32-bit ints).
// Both are replaced below by linear, allocation-free versions with exactly the same results (a unit
// test compares them with the originals). Like the encoder patch, this must be evaluated before
// kafkajs is first loaded: the modules that use these capture their exports when they load. Nothing
// is patched when the originals no longer have the shape this was written against.
import { replaceExport } from './kafkajs-replace-export.ts';

interface Grouping {
  topic: string;
  partitionMetadata: unknown[];
  messages: { key?: unknown; partition?: number | null }[];
  partitioner: (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;
}
type Murmur2 = (key: Buffer | string) => number;

/** Same grouping as kafkajs: partition → its messages, in input order. */
export function groupMessagesPerPartition({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: Grouping): Record<number, unknown[]> {
  const result: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

const M = 0x5bd1e995;
const SEED = 0x9747b28c;

/** Kafka's murmur2 (Java client 0.10.2) on 32-bit ints, returning the same signed int as kafkajs's. */
export function murmur2(key: Buffer | string): number {
  if (Buffer.isBuffer(key)) return murmur2Of(key.length, (i) => key[i]!);
  const text = String(key);
  // ASCII strings (ids, plates) are hashed from their char codes: the same bytes as their UTF-8,
  // without encoding them into a buffer first.
  if (isAscii(text)) return murmur2Of(text.length, (i) => text.charCodeAt(i));
  const bytes = Buffer.from(text);
  return murmur2Of(bytes.length, (i) => bytes[i]!);
}

function murmur2Of(length: number, byteAt: (i: number) => number): number {
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = byteAt(i) | (byteAt(i + 1) << 8) | (byteAt(i + 2) << 16) | (byteAt(i + 3) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & 3;
  if (tail === 3) h ^= byteAt(whole + 2) << 16;
  if (tail >= 2) h ^= byteAt(whole + 1) << 8;
  if (tail >= 1) h = Math.imul(h ^ byteAt(whole), M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** kafkajs's own murmur2, as installed (for the equivalence test); undefined if it could not load. */
export let kafkajsMurmur2: Murmur2 | undefined;

/** Applies both replacements; true when the installed kafkajs has them (now or from an earlier call). */
export function patchKafkajsPartitioning(): boolean {
  const grouped = replaceExport(
    'kafkajs/src/producer/groupMessagesPerPartition',
    '[...current, message]',
    groupMessagesPerPartition,
  );
  const hashed = replaceExport(
    'kafkajs/src/producer/partitioners/default/murmur2',
    'SEED.xor(length)',
    murmur2,
  );
  if (hashed !== null && hashed !== murmur2) kafkajsMurmur2 = hashed as Murmur2;
  return grouped !== null && hashed !== null;
}

patchKafkajsPartitioning();
