// Where a replay worker thread starts. It turns on Node's module compile cache before it loads the
// worker (replay-worker.ts): each thread is a fresh Node instance that strips the types from and
// compiles every module again, and the categoriser's engine brings zod's ~90 modules with it (its
// ruleset compiler validates with zod). With the cache a worker started on about a third less CPU
// (0.36-0.42 s down to 0.23-0.25 s on a 2-core machine). The cache is Node's own: kept in
// NODE_COMPILE_CACHE or else the temp directory, keyed by each module's content, and only an
// optimisation: where it cannot be used, modules compile as before (NODE_DISABLE_COMPILE_CACHE=1
// turns it off). The pool starts the thread with NODE_COMPILE_CACHE set, so that this file is read
// from the cache too (see replay-worker-pool.ts); then the call below finds it on already.
import { enableCompileCache, flushCompileCache } from 'node:module';

enableCompileCache();
await import('./replay-worker.ts');
// Written now: the thread is terminated, not exited, when the replay ends.
flushCompileCache();
