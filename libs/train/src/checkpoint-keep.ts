// How many checkpoints a run keeps by default: a constant of the config (config.ts), which a page loads too, apart
// from the checkpoint files (checkpoint.ts, Node only).

/** The latest and the one before it, so a corrupt latest has an intact checkpoint to fall back to. */
export const DEFAULT_KEEP_CHECKPOINTS = 2;
