// A second, independent ECR API implementation (moto) checks that our client is not merely shaped
// to fit our own emulator.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { accountFromProxyEndpoint, createTokenSource } from '../../src/core/tokens';
import { needTools, TOOLS } from '../fixtures/tools';

const skip = needTools(TOOLS.moto);
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

let moto: ChildProcess | undefined;
let url = '';
let safety: NodeJS.Timeout | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (moto?.exitCode !== null && moto?.exitCode !== undefined)
      throw new Error(`moto_server exited with code ${moto.exitCode}`);
    if (Date.now() > until) throw new Error(`moto_server did not listen on ${port} within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopMoto(): void {
  const p = moto;
  moto = undefined;
  if (!p?.pid || p.exitCode !== null) return;
  // Its own process group: the pyenv shim and Werkzeug may leave children behind a plain kill.
  try {
    process.kill(-p.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  const hard = setTimeout(() => {
    try {
      process.kill(-p.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 2000);
  hard.unref();
  p.once('exit', () => clearTimeout(hard));
}

describe('token source against moto_server (real SDK)', { skip }, () => {
  before(async () => {
    const port = await freePort();
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: 'ignore' });
    safety = setTimeout(stopMoto, 5 * 60 * 1000);
    safety.unref();
    process.once('exit', stopMoto);
    url = `http://127.0.0.1:${port}`;
    await waitForPort(port, 30_000);
  });

  after(() => {
    clearTimeout(safety);
    stopMoto();
  });

  // Static credentials keep the machine's own AWS setup out of the test; moto does not check them.
  const source = () =>
    createTokenSource({
      env: {},
      credentials: () => () => Promise.resolve({ accessKeyId: KEY_ID, secretAccessKey: SECRET }),
    });

  it('gets and decodes a private ECR token', async () => {
    const s = source();
    const t = await s.get({ kind: 'private', region: 'eu-central-1', apiEndpoint: url });
    assert.equal(t.username, 'AWS');
    assert.ok(t.password.length > 0);
    assert.ok(t.expiresAt instanceof Date && !Number.isNaN(t.expiresAt.getTime()));
    assert.ok(t.proxyEndpoint, 'private tokens carry a proxyEndpoint');
    const account = accountFromProxyEndpoint(t.proxyEndpoint);
    assert.match(account ?? '', /^\d{12}$/);
    assert.ok(t.proxyEndpoint.includes('.dkr.ecr.eu-central-1.amazonaws.com'));
    assert.equal(t.password, `${account}-auth-token`, 'moto encodes AWS:<account>-auth-token');
  });

  it('expiresAt is honoured by the cache: a token not valid long enough is fetched again', async () => {
    const s = source();
    const req = { kind: 'private' as const, region: 'us-west-2', apiEndpoint: url };
    const first = await s.get(req);
    // moto 5 answers a fixed expiresAt of 2015-01-01, so no token it issues is "still fresh";
    // against a moto that answers a future time the second call is served from the cache.
    const fresh = first.expiresAt.getTime() - Date.now() > 5 * 60_000;
    const second = await s.get(req);
    // The cache hands back the token it holds; a new call decodes a new one.
    assert.equal(second === first, fresh);
  });
});
