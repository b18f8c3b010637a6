// Types of build-standalone.mjs (a plain script, run by Node as it is written) for the
// TypeScript that imports it: the benchmark and the standalone binary's tests.

/** Where `npm run build:standalone` puts the binary. */
export const STANDALONE_BINARY: string;

/** Why this Node cannot build the binary, or null. */
export function standaloneBuildUnsupported(version?: string): string | null;

/**
 * Builds the binary at `outFile` (default STANDALONE_BINARY) and returns its path. `env`: the
 * environment the snapshot is taken in (default this process's).
 */
export function buildStandalone(outFile?: string, env?: NodeJS.ProcessEnv): Promise<string>;
