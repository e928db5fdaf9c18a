import { combineStages } from './combined-stage.ts';
import type { Stage } from './stage-runner.ts';

/** A stage that records what was asked of it; `failStart` makes its start fail. */
function stage(counts: ReturnType<Stage['counts']>, failStart = false) {
  const calls: string[] = [];
  let ready = false;
  const s: Stage = {
    async start() {
      calls.push('start');
      if (failStart) throw new Error('cannot join');
      ready = true;
    },
    async stop() {
      calls.push('stop');
      ready = false;
    },
    isReady: () => ready,
    counts: () => counts,
  };
  return { s, calls };
}

const n = (k: number) => ({
  consumed: k,
  produced: 2 * k,
  deadLettered: 1,
  committedBatches: k,
  restarts: 0,
});

describe('combineStages', () => {
  test('starts and stops every stage, is ready when all are, and sums their counts', async () => {
    const a = stage(n(3));
    const b = stage(n(4));
    const both = combineStages([a.s, b.s]);
    expect(both.isReady()).toBe(false);
    await both.start();
    expect(both.isReady()).toBe(true);
    expect(both.counts()).toEqual({
      consumed: 7,
      produced: 14,
      deadLettered: 2,
      committedBatches: 7,
      restarts: 0,
    });
    await both.stop();
    expect(both.isReady()).toBe(false);
    expect(a.calls).toEqual(['start', 'stop']);
    expect(b.calls).toEqual(['start', 'stop']);
  });

  test('a stage that cannot start stops the others and fails the start', async () => {
    const a = stage(n(0));
    const b = stage(n(0), true);
    await expect(combineStages([a.s, b.s]).start()).rejects.toThrow('cannot join');
    expect(a.calls).toEqual(['start', 'stop']);
    expect(a.s.isReady()).toBe(false);
  });
});
