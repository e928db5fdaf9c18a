// The main thread's side of the replay workers: starts them, ships each batch's bytes to them by
// transfer, holds the read back while a worker is behind, and gathers their summaries at the end.
// Worker i joins shard i + 1 of the plan; shard 0 is joined on the main thread.
import { Worker } from 'node:worker_threads';
import type { RegistrySettings } from '@clearway/config';
import type { TopicSpec } from '@clearway/infra';
import type { RulesetPublished } from '@clearway/schemas';
import type { CorruptRecord, TimeWindow } from '../domain/audit-records.ts';
import type { Arrived, JoinQueries, JoinSummary } from '../domain/replay-join.ts';
import type { ShardPlan } from '../domain/shard-of.ts';
import { packRecords } from './packed-records.ts';
import type { RawRecord } from './read-window.ts';
import type { FromWorker, ReplayWorkerData, ToWorker } from './replay-worker-messages.ts';

export interface ShardResults {
  summaries: JoinSummary[];
  corrupt: Arrived<CorruptRecord>[];
  /** Records keyed by something other than their declaration id, whose partners may be elsewhere. */
  misrouted: number;
}

interface WorkerShard {
  worker: Worker;
  queuedBytes: number;
  summary: ((message: Extract<FromWorker, { type: 'summary' }>) => void) | null;
}

export function startReplayWorkers(options: {
  plan: ShardPlan;
  registry: RegistrySettings;
  catalogue: TopicSpec[];
  declarationsTopic: string;
  defer: boolean;
  window: TimeWindow;
  port?: string;
  /** Bytes a worker may have waiting before the read pauses for it. */
  maxQueuedBytes?: number;
}) {
  const { plan, registry } = options;
  const maxQueuedBytes = options.maxQueuedBytes ?? 16 * 1024 * 1024;
  const registryEnv: Record<string, string> = { SCHEMA_REGISTRY_URL: registry.SCHEMA_REGISTRY_URL };
  if (registry.SCHEMA_REGISTRY_USERNAME)
    registryEnv['SCHEMA_REGISTRY_USERNAME'] = registry.SCHEMA_REGISTRY_USERNAME;
  if (registry.SCHEMA_REGISTRY_PASSWORD)
    registryEnv['SCHEMA_REGISTRY_PASSWORD'] = registry.SCHEMA_REGISTRY_PASSWORD.reveal();

  let closing = false;
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined); // observed by whoever waits next
  const waiting: (() => void)[] = []; // reads paused until a worker catches up

  const workers: WorkerShard[] = Array.from({ length: plan.workers }, (_, i) => {
    const workerData: ReplayWorkerData = {
      shard: i + 1,
      plan,
      registryEnv,
      catalogue: options.catalogue,
      declarationsTopic: options.declarationsTopic,
      defer: options.defer,
      window: options.window,
      port: options.port ?? null,
    };
    const worker = new Worker(new URL('./replay-worker.ts', import.meta.url), { workerData });
    const s: WorkerShard = { worker, queuedBytes: 0, summary: null };
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

  return {
    addRulesets: (published: RulesetPublished[]): void => {
      for (const s of workers) post(s, { type: 'rulesets', published });
    },

    /**
     * Sends records of one topic, each with a value and its arrival number: `picked[i]` are the
     * indexes of those for worker i.
     */
    send: (
      topic: string,
      records: readonly RawRecord[],
      seqs: readonly number[],
      picked: readonly number[][],
    ): void => {
      workers.forEach((s, i) => {
        const mine = picked[i];
        if (mine === undefined || mine.length === 0) return;
        const packed = packRecords(topic, records, seqs, mine);
        s.queuedBytes += packed.buffer.byteLength;
        post(s, { type: 'records', ...packed }, [packed.buffer]);
      });
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
