// The main thread's side of the replay workers: starts them, ships each batch's bytes to them by
// transfer (after the writer schemas they are written with, the first time), holds the read back
// while a worker is behind, and gathers their summaries at the end. Worker i joins shard i + 1 of the
// plan; shard 0 is joined on the main thread.
import { Worker } from 'node:worker_threads';
import type { TopicSpec } from '@clearway/infra';
import { schemaIdOf, type WriterSchema } from '@clearway/kafka/avro-decoding';
import type { RulesetPublished } from '@clearway/schemas';
import type { CorruptRecord, TimeWindow } from '../domain/audit-records.ts';
import type { Arrived, JoinQueries, JoinSummary } from '../domain/replay-join.ts';
import type { ShardPlan } from '../domain/shard-of.ts';
import { packRecords } from './packed-records.ts';
import type { RawRecord } from '@clearway/kafka';
import type { FromWorker, ReplayWorkerData, SchemaLookup, ToWorker } from './replay-worker-messages.ts';

export interface ShardResults {
  summaries: JoinSummary[];
  corrupt: Arrived<CorruptRecord>[];
  /** Records keyed by something other than their declaration id, whose partners may be elsewhere. */
  misrouted: number;
}

interface WorkerShard {
  worker: Worker;
  queuedBytes: number;
  /** Writer schema ids the worker has been sent. */
  schemaIds: Set<number>;
  summary: ((message: Extract<FromWorker, { type: 'summary' }>) => void) | null;
}

// Where a worker thread starts: a few lines of JavaScript that turn on Node's module compile cache,
// then load the worker (replay-worker.ts). Each thread is a fresh Node instance that strips the types
// from and compiles every module again, and the categoriser's engine brings zod's ~90 modules with it
// (its ruleset compiler validates with zod); with the cache a worker started on about a third less
// CPU (0.36-0.42 s down to 0.23-0.25 s on a 2-core machine). JavaScript, not a TypeScript entry that
// turns the cache on itself: that entry would be compiled first, and the first TypeScript module a
// thread compiles loads the type stripper (a WebAssembly module), 50-60 ms of CPU while the worker's
// share of the records waits. The cache is Node's own: kept in NODE_COMPILE_CACHE or else the temp
// directory, keyed by each module's content, and only an optimisation (NODE_DISABLE_COMPILE_CACHE=1
// turns it off). It is written when the worker has loaded: the thread is terminated, not exited,
// when the replay ends.
const workerStart = `
const { enableCompileCache, flushCompileCache } = require('node:module');
enableCompileCache();
import(${JSON.stringify(new URL('./replay-worker.ts', import.meta.url).href)}).then(() => flushCompileCache());
`;

export function startReplayWorkers(options: {
  plan: ShardPlan;
  /** The writer schema registered under an id (the registry's, as the serde caches it). */
  writerSchema: (id: number) => Promise<WriterSchema>;
  catalogue: TopicSpec[];
  declarationsTopic: string;
  defer: boolean;
  window: TimeWindow;
  port?: string;
  /** Bytes a worker may have waiting before the read pauses for it. */
  maxQueuedBytes?: number;
}) {
  const { plan } = options;
  const maxQueuedBytes = options.maxQueuedBytes ?? 16 * 1024 * 1024;
  const catalogue = options.catalogue.map(({ name, event }) => ({ name, event }));

  let closing = false;
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined); // observed by whoever waits next
  const waiting: (() => void)[] = []; // reads paused until a worker catches up

  const workers: WorkerShard[] = Array.from({ length: plan.workers }, (_, i) => {
    const workerData: ReplayWorkerData = {
      shard: i + 1,
      plan,
      catalogue,
      declarationsTopic: options.declarationsTopic,
      defer: options.defer,
      window: options.window,
      port: options.port ?? null,
    };
    const worker = new Worker(workerStart, { eval: true, workerData });
    const s: WorkerShard = { worker, queuedBytes: 0, schemaIds: new Set(), summary: null };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'done') {
        s.queuedBytes -= message.bytes;
        for (const wake of waiting.splice(0)) wake();
      } else s.summary?.(message);
    });
    worker.on('error', (error: Error) => fail(error));
    worker.on('exit', (code) => {
      if (!closing) fail(new Error(`replay worker ${i + 1} stopped (exit code ${code})`));
    });
    return s;
  });
  const post = (s: WorkerShard, message: ToWorker, transfer: ArrayBuffer[] = []) =>
    s.worker.postMessage(message, transfer);

  // One lookup per id for all workers; a failed one is forgotten, so the id's next batch asks again.
  const lookups = new Map<number, Promise<SchemaLookup>>();
  const lookUp = (id: number): Promise<SchemaLookup> => {
    let lookup = lookups.get(id);
    if (lookup === undefined) {
      lookup = options.writerSchema(id).then(
        (schema) => ({ id, schema }),
        (error: unknown) => {
          lookups.delete(id);
          return { id, failure: (error as Error).message };
        },
      );
      lookups.set(id, lookup);
    }
    return lookup;
  };
  // The writer schemas of the records at `picked` that the worker has not been sent. A value that
  // is not in the wire format has no id to look up: the worker rejects it as the serde would.
  const unsentSchemas = (s: WorkerShard, records: readonly RawRecord[], picked: readonly number[]) => {
    let unsent: Set<number> | null = null;
    for (const i of picked) {
      let id: number;
      try {
        id = schemaIdOf(records[i]!.value);
      } catch {
        continue;
      }
      if (!s.schemaIds.has(id)) (unsent ??= new Set()).add(id);
    }
    return unsent;
  };

  return {
    addRulesets: (published: RulesetPublished[]): void => {
      for (const s of workers) post(s, { type: 'rulesets', published });
    },

    /**
     * Sends records of one topic, each with a value and its arrival number: `picked[i]` are the
     * indexes of those for worker i. Waits only when some writer schema has to be looked up first.
     */
    send: async (
      topic: string,
      records: readonly RawRecord[],
      seqs: readonly number[],
      picked: readonly number[][],
    ): Promise<void> => {
      for (const [i, s] of workers.entries()) {
        const mine = picked[i];
        if (mine === undefined || mine.length === 0) continue;
        const unsent = unsentSchemas(s, records, mine);
        if (unsent !== null) {
          // Marked as sent only once posted: a batch of another partition read meanwhile must not
          // post records ahead of their schema (it may post the schema twice, which is harmless).
          const found = await Promise.all([...unsent].map(lookUp));
          post(s, { type: 'schemas', lookups: found });
          for (const lookup of found) if ('schema' in lookup) s.schemaIds.add(lookup.id);
        }
        const packed = packRecords(topic, records, seqs, mine);
        s.queuedBytes += packed.buffer.byteLength;
        post(s, { type: 'records', ...packed }, [packed.buffer]);
      }
    },

    /** Resolves once no worker has more than its share of bytes waiting. */
    caughtUp: async (): Promise<void> => {
      while (workers.some((s) => s.queuedBytes > maxQueuedBytes))
        await Promise.race([new Promise<void>((resolve) => waiting.push(resolve)), failed]);
    },

    /** Each shard's summary of the join, for the merge's questions. */
    finish: async (queries: JoinQueries): Promise<ShardResults> => {
      const results = await Promise.race([
        Promise.all(
          workers.map(
            (s) =>
              new Promise<Extract<FromWorker, { type: 'summary' }>>((resolve) => {
                s.summary = resolve;
                post(s, { type: 'finish', queries });
              }),
          ),
        ),
        failed,
      ]);
      return {
        summaries: results.map((r) => r.summary),
        corrupt: results.flatMap((r) => r.corrupt),
        misrouted: results.reduce((n, r) => n + r.misrouted, 0),
      };
    },

    close: async (): Promise<void> => {
      closing = true;
      await Promise.all(workers.map((s) => s.worker.terminate()));
    },
  };
}

export type ReplayWorkers = ReturnType<typeof startReplayWorkers>;
