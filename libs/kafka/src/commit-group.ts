// Gathers the partition batches that a stage handles at the same time into one commit.
//
// kafkajs hands a fetch's partition batches to concurrent eachBatch calls and fetches again only when
// all of them are done. Committing each batch as its own Kafka transaction costs the broker five
// requests and a set of commit markers per partition, per fetch; on two shared cores that work, not
// the handlers, set the pace. Here each batch enters when it starts and submits its outputs when its
// handler is done; a commit starts once every batch that entered has submitted or left (or after
// `lingerMs`, so one slow handler cannot hold the others' results back for long), and covers all the
// batches waiting at that moment. While a commit runs, the next one fills up.

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
}

interface Waiting<I> {
  item: I;
  at: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createCommitGroup<I>(options: {
  /** Commits items together; a rejection fails every item passed. */
  commit: (items: I[]) => Promise<void>;
  lingerMs: number;
  now?: () => number;
}): CommitGroup<I> {
  const now = options.now ?? (() => performance.now());
  let active = 0;
  let queue: Waiting<I>[] = [];
  let running = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const maybeCommit = (): void => {
    if (running || queue.length === 0) return;
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
    running = true;
    // Async, so that a commit function throwing at once fails its items like a rejection does.
    const outcome = (async () => options.commit(batch.map((w) => w.item)))();
    outcome.then(
      () => {
        running = false;
        for (const w of batch) w.resolve();
        maybeCommit();
      },
      (error: unknown) => {
        running = false;
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
  };
}
