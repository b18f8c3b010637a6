// The entry of the standalone `ecr-keeper` binary (scripts/build-standalone.mjs): Node's
// single-executable format with a V8 start-up snapshot. The snapshot is taken once, at build
// time, after this file has loaded the AWS SDK and sent one request through it (warmUp, below),
// so a command starts with the SDK already in memory and its request path compiled, instead of
// reading, compiling and running ~700 KB of it (docs/PERFORMANCE.md).
//
// What may run before the snapshot is taken: code that only defines things. Whatever it reads
// of the build machine would be frozen into every run, so:
// - a module that touches the process when it loads (signal or exit handlers, timers, open
//   files) must load at run time: V8 cannot serialise such a handle and the build fails loudly;
//   our own engine (atomically, proper-lockfile) loads at run time, behind the CLI's imports;
// - the environment: the build fails when a module reads a variable while loading, unless it
//   is listed in READ_WHILE_LOADING with why its build-time value does not matter.
import os from 'node:os';
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
  ]).then(async ([ecr, , providers]) => {
    process.env = env;
    const unexpected = [...read].filter((k) => !(k in READ_WHILE_LOADING));
    if (unexpected.length) {
      throw new Error(
        `Modules read ${unexpected.join(', ')} while loading: their build-time value would be frozen into the binary.`,
      );
    }
    await warmUp(ecr, providers);
    startupSnapshot.setDeserializeMainFunction(runCommandLine);
  });
} else {
  runCommandLine();
}

/** Where the warm-up's SDK looks for AWS files and a home folder: nowhere that exists. */
const NOWHERE = '/nonexistent/ecr-keeper-snapshot-warm-up';

/**
 * Sends one GetAuthorizationToken through the SDK (credentials from the provider chain, endpoint
 * rules, signing, the JSON protocol) to a stand-in HTTP handler, with no network, before the
 * snapshot is taken: V8 keeps the functions this compiles in the snapshot, so a command does not
 * compile the SDK's request path again (a login ~30 ms faster, docs/PERFORMANCE.md).
 *
 * Nothing of the build machine may stay behind in the SDK's caches, so it runs on an environment
 * of its own: fake keys, and AWS files and a home folder that do not exist (the SDK caches file
 * reads by path, and no run reads these paths). The SDK caches the OS's home folder per user when
 * HOME is unset; asking the OS for it here fails the build.
 */
async function warmUp(
  ecr: typeof import('@aws-sdk/client-ecr'),
  providers: typeof import('@aws-sdk/credential-providers'),
): Promise<void> {
  const { env } = process;
  const homedir = os.homedir;
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
  } finally {
    process.env = env;
    os.homedir = homedir;
  }
}
