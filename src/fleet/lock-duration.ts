// How long a worker's lock on a job lasts without renewal: how soon the job
// of a dead worker runs again. A module of its own so that the command line
// can show the default without loading the engine's client.

export const DEFAULT_LOCK_MS = 30_000;
