/**
 * The categoriser's fetch size per partition unless FETCH_BYTES_PER_PARTITION says otherwise: 256
 * KiB (up to ~750 declarations) rather than the stage runner's 1 MiB. A batch's decoded
 * declarations and their assessments all live until the batch is handled; at 1 MiB (~2,900) they
 * outlived several young-generation collections, were copied and promoted, and V8's collector took
 * a fifth of the main thread. Measured in `bench:categoriser`, one size per run, the code otherwise
 * the same: 52–57 µs CPU per declaration against 67–72, peak heap 134–154 MB against 235,
 * 16.1–17.4k declarations/s against 15.8–16.5k. (128 KiB used less CPU still but was no faster, and
 * slowed the pass-through.)
 */
export const CATEGORISER_FETCH_BYTES_PER_PARTITION = 256 * 1024;
