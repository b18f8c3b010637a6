// The entry of the standalone `ecr-keeper` binary (scripts/build-standalone.mjs): Node's
// single-executable format with a V8 start-up snapshot. The snapshot is taken once, at build
// time, after this file has loaded the AWS SDK and our engine and run them once (warmUp and
// warmUpEngine, below), so a command starts with both in memory and the code they run compiled,
// instead of reading, compiling and running ~700 KB of it (docs/PERFORMANCE.md).
//
// What may run before the snapshot is taken: code that only defines things. Whatever it reads
// of the build machine would be frozen into every run, so:
// - a module that touches the process when it loads (signal or exit handlers, timers, open
//   files) must do so at run time: V8 cannot serialise such a handle and the build fails loudly.
//   The build gives the two our engine loads (signal-exit, when-exit) stand-ins that register
//   their handlers when the binary starts, and proper-lockfile Node's fs in place of graceful-fs
//   (which would keep the build's working folder);
// - the environment: the build fails when a module reads a variable while loading, unless it
//   is listed in READ_WHILE_LOADING with why its build-time value does not matter;
// - the warm-ups run on an environment of their own, and fail the build if anything asks the OS
//   for the home folder (the SDK would keep the build machine's).
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startupSnapshot } from 'node:v8';
import { main, runCommandLine } from './main';

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
    // What every command that opens the keeper loads (command.ts, openKeeper).
    import('../core/engine'),
    import('../core/json-store'),
    import('../core/settings'),
    import('../core/mfa'),
  ]).then(async ([ecr, , providers]) => {
    process.env = env;
    const unexpected = [...read].filter((k) => !(k in READ_WHILE_LOADING));
    if (unexpected.length) {
      throw new Error(
        `Modules read ${unexpected.join(', ')} while loading: their build-time value would be frozen into the binary.`,
      );
    }
    await withoutBuildMachine(() => warmUp(ecr, providers));
    // Made before the warm-up's environment replaces this one: on Windows the temp folder comes
    // from TEMP or TMP.
    const dir = mkdtempSync(join(tmpdir(), 'ecr-keeper-snapshot-warm-up-'));
    try {
      await withoutBuildMachine(() => warmUpEngine(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    startupSnapshot.setDeserializeMainFunction(runCommandLine);
  });
} else {
  runCommandLine();
}

/** Where the warm-ups look for AWS files and a home folder: nowhere that exists. */
const NOWHERE = '/nonexistent/ecr-keeper-snapshot-warm-up';

/**
 * Runs a warm-up on an environment of its own, so nothing of the build machine stays behind in
 * a cache the snapshot keeps: fake keys, and AWS files and a home folder that do not exist (the
 * SDK caches file reads by path, and no run reads these paths). The SDK caches the OS's home
 * folder per user when HOME is unset; asking the OS for it here fails the build.
 *
 * Timers are stand-ins meanwhile, which never fire. Node's timer lists and their count of timers
 * that keep the process alive are in the snapshot, but the run's event loop starts afresh:
 * with one timer made and cleared while building (proper-lockfile's lock refresh), `watch` could
 * no longer keep the process alive. What a warm-up arms it must clear; the build fails if a timer
 * is left, or if anything asks for an interval or an immediate.
 */
async function withoutBuildMachine(job: () => Promise<void>): Promise<void> {
  const { env } = process;
  const homedir = os.homedir;
  const timers = { setTimeout, clearTimeout, setInterval, setImmediate };
  const armed = new Set<object>();
  const refuse = (what: string) => () => {
    throw new Error(`The snapshot warm-up asked for ${what}: Node's timers must stay unused until the binary runs.`);
  };
  Object.assign(globalThis, {
    setTimeout: () => {
      const standIn = { ref: () => standIn, unref: () => standIn, hasRef: () => false };
      armed.add(standIn);
      return standIn;
    },
    clearTimeout: (t: object | undefined) => {
      if (t !== undefined) armed.delete(t);
    },
    setInterval: refuse('an interval'),
    setImmediate: refuse('an immediate'),
  });
  os.homedir = () => {
    throw new Error(
      "The snapshot warm-up asked for the build machine's home folder: it would be frozen into the binary.",
    );
  };
  process.env = {
    HOME: NOWHERE,
    AWS_CONFIG_FILE: `${NOWHERE}/config`,
    AWS_SHARED_CREDENTIALS_FILE: `${NOWHERE}/credentials`,
    AWS_ACCESS_KEY_ID: 'AKIDSNAPSHOTWARMUP00',
    AWS_SECRET_ACCESS_KEY: 'snapshot-warm-up-not-a-secret',
  };
  try {
    await job();
    if (armed.size) throw new Error(`The snapshot warm-up left ${armed.size} timer(s) armed.`);
  } finally {
    process.env = env;
    os.homedir = homedir;
    Object.assign(globalThis, timers);
  }
}

/**
 * Sends one GetAuthorizationToken through the SDK (credentials from the provider chain, endpoint
 * rules, signing, the JSON protocol) to a stand-in HTTP handler, with no network, before the
 * snapshot is taken: V8 keeps the functions this compiles in the snapshot, so a command does not
 * compile the SDK's request path again (a login ~30 ms faster, docs/PERFORMANCE.md).
 */
async function warmUp(
  ecr: typeof import('@aws-sdk/client-ecr'),
  providers: typeof import('@aws-sdk/credential-providers'),
): Promise<void> {
  const body = Buffer.from(
    JSON.stringify({
      authorizationData: [
        {
          authorizationToken: Buffer.from('AWS:warm-up').toString('base64'),
          expiresAt: 4102444800,
          proxyEndpoint: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
        },
      ],
    }),
  );
  const client = new ecr.ECRClient({
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: providers.fromNodeProviderChain({}),
    // A stand-in for the network: the answer ECR gives, at once.
    requestHandler: {
      handle: () =>
        Promise.resolve({
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(body.length) },
            body,
          },
        }),
    },
  });
  const out = await client.send(new ecr.GetAuthorizationTokenCommand({}));
  client.destroy();
  if (!out.authorizationData?.[0]?.authorizationToken) throw new Error('The snapshot warm-up got no token back.');
}

/**
 * Runs `add`, `status` and `list` through the CLI on `dir`, an empty folder made for it: opening
 * the keeper (settings, state, the credential files' inspection), checking and saving a registry,
 * and the tables are then compiled in the snapshot: `status` and `list` ~25-30 ms faster, a login
 * ~20 ms (20 interleaved runs against the binary without it). It writes only in that folder, and
 * fails the build if a command fails.
 */
async function warmUpEngine(dir: string): Promise<void> {
  const out: string[] = [];
  const io = { out: (s: string) => out.push(s), err: (s: string) => out.push(s), env: process.env };
  for (const args of [['add', 'warm-up', '--region', 'us-east-1', '--account', '123456789012'], ['status'], ['list']]) {
    const code = await main([...args, '--config-dir', dir], io);
    if (code !== 0 || !out.join('\n').includes('warm-up'))
      throw new Error(`The snapshot warm-up's ${args[0]} failed (exit ${code}):\n${out.join('\n')}`);
    out.length = 0;
  }
}
