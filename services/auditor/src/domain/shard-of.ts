// Which replay shard joins a record. Records are routed by their Kafka key before they are decoded;
// every audited topic is keyed by declaration id, so a declaration and its assessments meet in one
// shard. After decoding, a shard checks the declaration id hashes to it too (`hashOfId`): a record
// keyed otherwise could miss its partner in another shard.

/**
 * Shard 0 is joined on the reading thread and takes `localShare` of the keys (it also reads from
 * the broker); the rest are spread evenly over shards 1..`workers`.
 */
export interface ShardPlan {
  workers: number;
  localShare: number;
}

// Reading from the broker (kafkajs fetch and record decoding) costs the reading thread a fraction
// of what joining the same records costs (Avro decoding and re-deciding), but a worker also pays for
// what this thread does not: unpacking the records it is sent, and a fresh isolate that compiles and
// collects on its own. Together they leave the reading thread a little under an even share. Tuned on
// the replay benchmark: with one worker, local shares of 0.4 to 0.5 came out alike, with the worker
// still finishing last at 0.4; 0.45 now.
const READ_TO_JOIN_COST = 0.1;

/** Shards for `workers` worker threads besides the reading thread. */
export function planShards(workers: number): ShardPlan {
  return { workers, localShare: Math.max(0, (1 - workers * READ_TO_JOIN_COST) / (workers + 1)) };
}

export function shardOf(hash: number, plan: ShardPlan): number {
  if (plan.workers === 0) return 0;
  // The low bits pick local or not, the high bits which worker: independent choices.
  if ((hash & 0xffff) < plan.localShare * 0x10000) return 0;
  return 1 + ((hash >>> 16) % plan.workers);
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

const mix = (hash: number, byte: number): number => Math.imul(hash ^ byte, FNV_PRIME);

/** FNV-1a of the key bytes; a record without a key goes where the empty key goes. */
export function hashOfKey(key: Uint8Array | null): number {
  let hash = FNV_OFFSET;
  if (key !== null) for (let i = 0; i < key.length; i++) hash = mix(hash, key[i]!);
  return hash >>> 0;
}

const utf8 = new TextEncoder();

/** FNV-1a of a declaration id's UTF-8 bytes, as a producer writes it as the key. */
export function hashOfId(id: string): number {
  // An ASCII id is its own UTF-8 bytes: hashed from its characters, with no bytes to allocate (this
  // runs for every record replayed). Anything else goes through the encoder.
  let hash = FNV_OFFSET;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c >= 0x80) return hashOfKey(utf8.encode(id));
    hash = mix(hash, c);
  }
  return hash >>> 0;
}
