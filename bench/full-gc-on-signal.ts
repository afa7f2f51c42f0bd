// Preloaded by bench/public.ts into every server it measures (Herald's edge process and the bare baselines), which it
// starts with --expose-gc: SIGUSR2 runs a full garbage collection. A full collection while a server is idle ends the
// maps of objects Node's HTTP code makes per request (the tick objects of process.nextTick, for one), and the inline
// caches that knew them go megamorphic for good: on this machine a bare server's throughput fell 37k → 33-34k req/s,
// and Herald's 37k → 29.5k, after one. V8's memory reducer runs such a collection when a server goes idle after work,
// so a long-running server is in that state, and whether a freshly started one is depends on its idle moments. The
// benchmark puts every server in it before each measurement, so that no ratio depends on that chance.
process.on("SIGUSR2", () => (globalThis as { gc?: () => void }).gc?.());
