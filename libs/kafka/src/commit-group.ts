// Gathers the partition batches that a stage handles at the same time into one commit.
//
// kafkajs hands a fetch's partition batches to concurrent eachBatch calls and fetches again only when
// all of them are done. Committing each batch as its own Kafka transaction costs the broker five
// requests and a set of commit markers per partition, per fetch; on two shared cores that work, not
// the handlers, set the pace. Here each batch enters when it starts and submits its outputs when its
// handler is done; a commit starts once every batch that entered has submitted or left (or after
// `lingerMs`, so one slow handler cannot hold the others' results back for long), and covers all the
// batches waiting at that moment. Commits run one at a time, in order; while one runs, the next one
// fills up.

export interface CommitTicket<I> {
  /** Queues this batch's item for the next commit; resolves when that commit is done. */
  submit(item: I): Promise<void>;
  /** This batch will not submit (nothing to commit, or it failed). */
  leave(): void;
}

export interface CommitGroup<I> {
  enter(): CommitTicket<I>;
  /** Batches entered and not yet submitted or left, and items waiting for a commit. */
  pending(): { active: number; queued: number };
  /** Settles (never rejects) when the commit running now, if any, is over. */
  inFlight(): Promise<void>;
  /** Settles when no batch is in hand and nothing is queued or being committed. */
  idle(): Promise<void>;
}

interface Waiting<I> {
  item: I;
  at: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createCommitGroup<I>(options: {
  /**
   * Commits items together. A rejection fails every item passed; an array fails the items whose
   * entry is an Error (e.g. ones that must be fetched again) and commits the rest.
   */
  commit: (items: I[]) => Promise<(Error | undefined)[] | void>;
  lingerMs: number;
  now?: () => number;
}): CommitGroup<I> {
  const now = options.now ?? (() => performance.now());
  let active = 0;
  let queue: Waiting<I>[] = [];
  let running: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let idleWaiters: (() => void)[] = [];

  const maybeCommit = (): void => {
    if (running) return;
    if (queue.length === 0) {
      if (active === 0) {
        for (const w of idleWaiters) w();
        idleWaiters = [];
      }
      return;
    }
    const waited = now() - queue[0]!.at;
    if (active > 0 && waited < options.lingerMs) {
      timer ??= setTimeout(() => {
        timer = undefined;
        maybeCommit();
      }, options.lingerMs - waited);
      return;
    }
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const batch = queue;
    queue = [];
    // Async, so that a commit function throwing at once fails its items like a rejection does.
    running = (async () => options.commit(batch.map((w) => w.item)))().then(
      (outcomes) => {
        running = undefined;
        batch.forEach((w, i) => {
          const failed = outcomes?.[i];
          if (failed) w.reject(failed);
          else w.resolve();
        });
        maybeCommit();
      },
      (error: unknown) => {
        running = undefined;
        for (const w of batch) w.reject(error);
        maybeCommit();
      },
    );
  };

  return {
    enter() {
      active++;
      let done = false;
      const finish = () => {
        if (done) throw new Error('commit ticket used twice');
        done = true;
        active--;
      };
      return {
        submit(item: I) {
          finish();
          return new Promise<void>((resolve, reject) => {
            queue.push({ item, at: now(), resolve, reject });
            maybeCommit();
          });
        },
        leave() {
          if (done) return;
          finish();
          maybeCommit();
        },
      };
    },
    pending: () => ({ active, queued: queue.length }),
    inFlight: () => running ?? Promise.resolve(),
    idle: () =>
      active === 0 && !running && queue.length === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}
