import { createCommitGroup } from './commit-group.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('commit group', () => {
  const recording = (lingerMs = 1_000) => {
    const commits: string[][] = [];
    let release: (() => void) | undefined;
    let fail: Error | undefined;
    const group = createCommitGroup<string>({
      lingerMs,
      commit: async (items) => {
        commits.push(items);
        const failure = fail;
        fail = undefined;
        if (failure) throw failure;
        await new Promise<void>((r) => (release = r));
      },
    });
    return {
      group,
      commits,
      release: () => release?.(),
      failNext: (e: Error) => (fail = e),
    };
  };

  it('commits the batches handled together as one, once the last of them submits', async () => {
    const { group, commits, release } = recording();
    const a = group.enter();
    const b = group.enter();
    const c = group.enter();
    const done: string[] = [];
    void a.submit('a').then(() => done.push('a'));
    void b.submit('b').then(() => done.push('b'));
    await tick();
    expect(commits).toEqual([]); // c is still being handled
    c.leave(); // c had nothing to commit
    await tick();
    expect(commits).toEqual([['a', 'b']]);
    expect(done).toEqual([]); // not before the commit ends
    release();
    await tick();
    expect(done.sort()).toEqual(['a', 'b']);
  });

  it('gathers what finishes during a commit into the next one', async () => {
    const { group, commits, release } = recording();
    const first = group.enter().submit('1');
    await tick();
    const x = group.enter();
    const y = group.enter();
    const second = Promise.all([x.submit('x'), y.submit('y')]);
    await tick();
    expect(commits).toEqual([['1']]);
    release();
    await first;
    await tick();
    expect(commits).toEqual([['1'], ['x', 'y']]);
    release();
    await second;
    expect(group.pending()).toEqual({ active: 0, queued: 0 });
  });

  it('does not let a slow batch hold the others back longer than the linger time', async () => {
    const { group, commits, release } = recording(20);
    const slow = group.enter();
    const fast = group.enter().submit('fast');
    await tick();
    expect(commits).toEqual([]);
    await new Promise((r) => setTimeout(r, 40));
    expect(commits).toEqual([['fast']]);
    release();
    await fast;
    const late = slow.submit('slow');
    await tick();
    expect(commits).toEqual([['fast'], ['slow']]);
    release();
    await late;
  });

  it('fails every batch of a failed commit, and goes on with the next', async () => {
    const { group, commits, failNext, release } = recording();
    failNext(new Error('fenced'));
    const p = group.enter().submit('p');
    const q = group.enter().submit('q'); // entered after p had submitted: the next commit
    await expect(p).rejects.toThrow('fenced');
    await tick();
    expect(commits).toEqual([['p'], ['q']]);
    release();
    await expect(q).resolves.toBeUndefined();
  });

  it('refuses a ticket used twice', () => {
    const { group } = recording();
    const t = group.enter();
    t.leave();
    expect(() => t.submit('again')).toThrow(/twice/);
    t.leave(); // leaving again is harmless (a finally after a failed submit)
    expect(group.pending().active).toBe(0);
  });

  it('fails only the items the commit says failed, and commits the rest', async () => {
    const group = createCommitGroup<string>({
      lingerMs: 1_000,
      commit: async (items) =>
        items.map((i) => (i.startsWith('stale') ? new Error(`${i} is stale`) : undefined)),
    });
    const a = group.enter();
    const b = group.enter();
    const results = await Promise.allSettled([a.submit('fresh'), b.submit('stale-1')]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: undefined });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: new Error('stale-1 is stale') });
  });

  it('tells when the running commit is over, and when everything is committed', async () => {
    const { group, release } = recording();
    await group.inFlight(); // nothing running: settled at once
    let first = false;
    const running = group
      .enter()
      .submit('1')
      .then(() => (first = true));
    const over = group.inFlight();
    const second = group.enter().submit('2');
    let idle = false;
    const allDone = group.idle().then(() => (idle = true));
    release();
    await over;
    await running;
    expect(first).toBe(true);
    await tick();
    expect(idle).toBe(false); // '2' is being committed now
    release();
    await second;
    await allDone;
    expect(idle).toBe(true);
  });

  it('is not idle while a batch is in hand, even with nothing queued', async () => {
    const { group, release } = recording();
    const inHand = group.enter();
    let idle = false;
    const allDone = group.idle().then(() => (idle = true));
    await tick();
    expect(idle).toBe(false);
    const committed = inHand.submit('late');
    await tick();
    expect(idle).toBe(false); // being committed
    release();
    await committed;
    await allDone;
    expect(idle).toBe(true);
    const left = group.enter();
    const again = group.idle();
    left.leave();
    await again; // settles once the batch leaves without submitting
  });
});
