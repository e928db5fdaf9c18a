// Several stages run as one: a service whose inputs are better consumed in separate groups (each
// with its own fetch, handling and transaction cycle) still starts, stops and reports as one.
import type { Stage } from './stage-runner.ts';

export function combineStages(stages: readonly Stage[]): Stage {
  return {
    async start() {
      const started = await Promise.allSettled(stages.map((s) => s.start()));
      const failed = started.find((r) => r.status === 'rejected');
      if (failed) {
        // None half-running: the ones that did start are stopped again.
        await Promise.allSettled(stages.map((s) => s.stop()));
        throw failed.reason;
      }
    },
    async stop() {
      await Promise.all(stages.map((s) => s.stop()));
    },
    isReady: () => stages.every((s) => s.isReady()),
    counts() {
      const total = { consumed: 0, produced: 0, deadLettered: 0, committedBatches: 0, restarts: 0 };
      for (const s of stages) {
        const c = s.counts();
        total.consumed += c.consumed;
        total.produced += c.produced;
        total.deadLettered += c.deadLettered;
        total.committedBatches += c.committedBatches;
        total.restarts += c.restarts;
      }
      return total;
    },
  };
}
