// A bare script for one ECR login, the benchmark's reference for its N=1 row (bench/run.ts):
// start Node, load the AWS SDK from node_modules (with Node's compile cache, as dist/cli.js), one
// GetAuthorizationToken against ECR_ENDPOINT, and one `docker login` of REGISTRY_HOST with the
// password on stdin into a config folder of its own, then remove that folder. No settings, no
// lock, no merge into the user's file, no state, no output: none of what makes it a keeper.
// Plain JavaScript, run as it is written. Exits with docker's exit code.
import nodeModule from 'node:module';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

nodeModule.enableCompileCache?.();
const { ECRClient, GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
const client = new ECRClient({ region: 'us-east-1', endpoint: process.env.ECR_ENDPOINT, maxAttempts: 1 });
const { authorizationData } = await client.send(new GetAuthorizationTokenCommand({}));
client.destroy();
const password = Buffer.from(authorizationData[0].authorizationToken, 'base64').toString().slice('AWS:'.length);

const dir = mkdtempSync(join(tmpdir(), 'ek-bare-login-'));
// An entry of its own, so docker keeps to the file (with none, it may pick a credential store).
writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'seed.invalid': { auth: 'eDp5' } } }));
const docker = spawn('docker', ['login', '--username', 'AWS', '--password-stdin', process.env.REGISTRY_HOST], {
  env: { ...process.env, DOCKER_CONFIG: dir },
  stdio: ['pipe', 'ignore', 'inherit'],
});
docker.stdin.end(password);
docker.on('exit', (code) => {
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = code ?? 1;
});
