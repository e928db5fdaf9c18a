// Imported first by every long-running process (services, the audit CLI, the benchmarks' stages):
// V8 settings they need, set before any of their own code runs.
//
// No allocation-site pretenuring. V8 counts how many objects from each allocation site survive a
// young-generation collection, and once most do, it allocates that site's objects straight into
// the old generation. A stage working through a backlog (large batches that live through
// collections) teaches V8 to do that for its per-record objects, and the decision outlives the
// backlog. Measured at a steady 1,000 declarations/s after a burst: the categoriser and both
// pass-through stages ran a full mark-compact every ~0.5 s, and the dispatcher promoted 7–9 MB per
// scavenge with 12–39 ms pauses; without pretenuring the same processes scavenged every 0.5–1 s in
// 1–10 ms, and mark-compacts became rare. Node leaves V8's flags writable after start-up, so the
// setting travels with the code rather than with every launcher's command line. Node warns that a
// flag changed after start-up may misbehave; this one is only read when a collection weighs the
// allocation sites' survival counts, and it is set before the process has allocated much.
import { setFlagsFromString } from 'node:v8';

// A V8 flag given on the command line wins: that is how the effect above is measured.
if (!process.execArgv.includes('--allocation-site-pretenuring'))
  setFlagsFromString('--no-allocation-site-pretenuring');
