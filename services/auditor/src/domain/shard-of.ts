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

// Reading from the broker (kafkajs fetch and record decoding) costs the reading thread about a fifth
// of what joining the same records costs (Avro decoding and re-deciding); with that, the local share
// evens out the threads' work. Tuned on the replay benchmark: with one worker, shares of 0.4 to 0.45
// did best.
const READ_TO_JOIN_COST = 0.2;

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

/** FNV-1a of a declaration id's UTF-8 bytes, as a producer writes it as the key. */
export function hashOfId(id: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < id.length; i++) {
    let c = id.charCodeAt(i);
    if (c < 0x80) {
      hash = mix(hash, c);
      continue;
    }
    if (c < 0x800) {
      hash = mix(mix(hash, 0xc0 | (c >> 6)), 0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = id.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const point = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        hash = mix(hash, 0xf0 | (point >> 18));
        hash = mix(hash, 0x80 | ((point >> 12) & 0x3f));
        hash = mix(hash, 0x80 | ((point >> 6) & 0x3f));
        hash = mix(hash, 0x80 | (point & 0x3f));
        continue;
      }
      c = 0xfffd; // a lone surrogate is written as the replacement character
    }
    hash = mix(hash, 0xe0 | (c >> 12));
    hash = mix(hash, 0x80 | ((c >> 6) & 0x3f));
    hash = mix(hash, 0x80 | (c & 0x3f));
  }
  return hash >>> 0;
}
