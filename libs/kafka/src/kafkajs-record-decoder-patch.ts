// kafkajs 2.2.4 decodes every consumed record's timestamp and offset through 64-bit `Long` objects:
// the timestamp delta is read as a varlong with a new Long per byte, and the batch's first timestamp
// and first offset are parsed from decimal strings again for every record, added to and printed. The
// record decoder below gives the same record object (same fields, same strings) using plain numbers
// while the values stay exact (below 2^53, i.e. every real timestamp and offset), and BigInt beyond.
// Headers are gathered in one pass rather than re-spreading the object for each header. Replaced
// before kafkajs loads, like the partitioning patch; nothing is patched when kafkajs has another shape.
import { replaceExport } from './kafkajs-replace-export.ts';

interface Decoder {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readVarInt(): number;
  readVarLong(): { toString(): string };
  readVarIntBytes(): Buffer | null;
  readVarIntString(): string | null;
}

interface BatchContext {
  firstOffset?: string;
  firstTimestamp?: string;
  magicByte?: number;
  isControlBatch?: boolean;
  timestampType?: number;
  maxTimestamp?: string;
}

const LOG_APPEND_TIME = 1; // kafkajs's TimestampTypes.LOG_APPEND_TIME

/** A zigzag varlong as a number when it has at most 7 bytes (|value| < 2^48); else undefined. */
function readSmallVarLong(decoder: Decoder): number | undefined {
  const buf = decoder.buffer;
  let at = decoder.offset;
  let raw = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    const byte = buf[at++]!;
    raw += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      decoder.offset = at;
      return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    }
    scale *= 128;
  }
  return undefined;
}

/** `base` (a decimal string) plus `delta`, as kafkajs prints it. */
function plus(base: string, baseNumber: number, delta: number | bigint): string {
  if (typeof delta === 'number') {
    const sum = baseNumber + delta;
    if (Number.isSafeInteger(baseNumber) && Number.isSafeInteger(sum)) return String(sum);
  }
  return (BigInt(base) + BigInt(delta)).toString();
}

// The batch's first offset and timestamp as numbers, parsed once per batch.
const parsed = new WeakMap<BatchContext, { offset: number; timestamp: number }>();

export function decodeRecord(decoder: Decoder, batchContext: BatchContext = {}) {
  const {
    firstOffset = '0',
    firstTimestamp = '0',
    magicByte,
    isControlBatch = false,
    timestampType,
    maxTimestamp,
  } = batchContext;
  let numbers = parsed.get(batchContext);
  if (!numbers) {
    numbers = { offset: Number(firstOffset), timestamp: Number(firstTimestamp) };
    parsed.set(batchContext, numbers);
  }
  const attributes = decoder.readInt8();
  const delta = readSmallVarLong(decoder) ?? BigInt(decoder.readVarLong().toString());
  const timestamp =
    timestampType === LOG_APPEND_TIME && maxTimestamp
      ? maxTimestamp
      : plus(firstTimestamp, numbers.timestamp, delta);
  const offset = plus(firstOffset, numbers.offset, decoder.readVarInt());
  const key = decoder.readVarIntBytes();
  const value = decoder.readVarIntBytes();
  const headers: Record<string, Buffer | null | (Buffer | null)[]> = {};
  const count = decoder.readVarInt();
  for (let i = 0; i < count; i++) {
    const name = decoder.readVarIntString()!;
    const headerValue = decoder.readVarIntBytes();
    const seen = headers[name];
    if (seen === undefined) headers[name] = headerValue;
    else if (Array.isArray(seen)) seen.push(headerValue);
    else headers[name] = [seen, headerValue];
  }
  return {
    magicByte,
    attributes,
    timestamp,
    offset,
    key,
    value,
    headers,
    isControlRecord: isControlBatch,
    batchContext,
  };
}

/** kafkajs's own record decoder, kept for the equivalence test; null when not patched. */
export let kafkajsDecodeRecord: typeof decodeRecord | null = null;

/** Applies the replacement; true when the installed kafkajs has it (now or from an earlier call). */
export function patchKafkajsRecordDecoder(): boolean {
  const replaced = replaceExport(
    'kafkajs/src/protocol/recordBatch/record/v0/decoder',
    'Long.fromValue(firstOffset)',
    decodeRecord,
  );
  if (replaced !== null && replaced !== decodeRecord) kafkajsDecodeRecord = replaced as typeof decodeRecord;
  return replaced !== null;
}

patchKafkajsRecordDecoder();
