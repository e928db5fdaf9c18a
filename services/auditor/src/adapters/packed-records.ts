// Raw records of one topic packed into a single ArrayBuffer, so a batch moves to a worker thread by
// transfer: no structured clone of objects, one copy of each key's and value's bytes. Layout: for
// each record six float64s (partition, offset, timestamp, arrival number, key length or -1 for no
// key, value length), then each record's key and value bytes in turn.
import type { RecordLocation } from '../domain/audit-records.ts';
import type { RawRecord } from '@clearway/kafka';

const FIELDS = 6;

export interface PackedRecords {
  topic: string;
  count: number;
  buffer: ArrayBuffer;
}

/** Packs the records at `picked` (indexes into `records`, all of `topic`, each with a value). */
export function packRecords(
  topic: string,
  records: readonly RawRecord[],
  seqs: readonly number[],
  picked: readonly number[],
): PackedRecords {
  const count = picked.length;
  const head = count * FIELDS * 8;
  let size = head;
  for (const i of picked) size += (records[i]!.key?.length ?? 0) + records[i]!.value!.length;
  const buffer = new ArrayBuffer(size);
  const meta = new Float64Array(buffer, 0, count * FIELDS);
  const bytes = new Uint8Array(buffer, head);
  let at = 0;
  for (let n = 0; n < count; n++) {
    const r = records[picked[n]!]!;
    const m = n * FIELDS;
    meta[m] = r.partition;
    meta[m + 1] = Number(r.offset); // exact: offsets stay far below 2^53
    meta[m + 2] = r.timestamp;
    meta[m + 3] = seqs[picked[n]!]!;
    meta[m + 4] = r.key === null ? -1 : r.key.length;
    meta[m + 5] = r.value!.length;
    if (r.key !== null) {
      bytes.set(r.key, at);
      at += r.key.length;
    }
    bytes.set(r.value!, at);
    at += r.value!.length;
  }
  return { topic, count, buffer };
}

export interface UnpackedRecord {
  at: RecordLocation;
  seq: number;
  /** The key as text, as the producer wrote it (every audited topic is keyed by declaration id). */
  key: string | null;
  /** A view of the packed bytes, not a copy. */
  value: Buffer;
}

/** The packed records in order; without `keys`, every key is read as null (nothing decodes it). */
export function* unpackRecords(packed: PackedRecords, keys = true): Generator<UnpackedRecord> {
  const { topic, count, buffer } = packed;
  const head = count * FIELDS * 8;
  const meta = new Float64Array(buffer, 0, count * FIELDS);
  const bytes = Buffer.from(buffer, head);
  let start = 0;
  for (let n = 0; n < count; n++) {
    const m = n * FIELDS;
    const keyLength = meta[m + 4]!;
    const valueLength = meta[m + 5]!;
    let key: string | null = null;
    if (keyLength >= 0) {
      if (keys) key = bytes.toString('utf8', start, start + keyLength);
      start += keyLength;
    }
    yield {
      at: { topic, partition: meta[m]!, offset: String(meta[m + 1]!), timestamp: meta[m + 2]! },
      seq: meta[m + 3]!,
      key,
      value: bytes.subarray(start, start + valueLength),
    };
    start += valueLength;
  }
}
