// The entry of the standalone `ecr-keeper` binary (scripts/build-standalone.mjs): Node's
// single-executable format with a V8 start-up snapshot. The snapshot is taken once, at build
// time, after this file has loaded the AWS SDK, so a command starts with the SDK already in
// memory instead of reading, compiling and running ~700 KB of it (docs/PERFORMANCE.md).
//
// What may run before the snapshot is taken: code that only defines things. Whatever it reads
// of the build machine would be frozen into every run, so:
// - a module that touches the process when it loads (signal or exit handlers, timers, open
//   files) must load at run time: V8 cannot serialise such a handle and the build fails loudly;
//   our own engine (atomically, proper-lockfile) loads at run time, behind the CLI's imports;
// - the environment: the build fails when a module reads a variable while loading, unless it
//   is listed in READ_WHILE_LOADING with why its build-time value does not matter.
import { startupSnapshot } from 'node:v8';
import { runCommandLine } from './main';

/** Variables the snapshotted modules read while loading, and why that is harmless. */
const READ_WHILE_LOADING: Record<string, string> = {
  // The SDK's Lambda invoke store (recursion detection): only set inside AWS Lambda's runtime,
  // where this binary does not run; read again per request where it matters.
  AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA: 'AWS Lambda only',
  AWS_LAMBDA_BENCHMARK_MODE: 'AWS Lambda only',
};

if (startupSnapshot.isBuildingSnapshot()) {
  const env = process.env;
  const read = new Set<string>();
  process.env = new Proxy(env, {
    get: (target, key) => {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(target, key) as unknown;
    },
  });
  // The SDK modules every login needs, loaded behind dynamic imports in the engine (tokens.ts,
  // aws-profiles.ts) so dist/cli.js loads them only when a verb needs them. Loaded here, they
  // are part of the snapshot and those imports resolve at once.
  void Promise.all([
    import('@aws-sdk/client-ecr'),
    import('@aws-sdk/client-ecr-public'),
    import('@aws-sdk/credential-providers'),
    import('@smithy/shared-ini-file-loader'),
  ]).then(() => {
    process.env = env;
    const unexpected = [...read].filter((k) => !(k in READ_WHILE_LOADING));
    if (unexpected.length) {
      throw new Error(
        `Modules read ${unexpected.join(', ')} while loading: their build-time value would be frozen into the binary.`,
      );
    }
    startupSnapshot.setDeserializeMainFunction(runCommandLine);
  });
} else {
  runCommandLine();
}
