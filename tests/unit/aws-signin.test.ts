import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { KeeperError } from '../../src/core/errors';
import {
  awsCandidates,
  createSignIn,
  detectAwsCli,
  parseAwsVersion,
  ssoLoginCommand,
  type Spawner,
} from '../../src/core/signin';

/** A spawner stand-in: records argv and answers like the AWS CLI would. */
function fakeSpawn(
  answer: (args: readonly string[]) => {
    out?: string;
    err?: string;
    code?: number;
    delayMs?: number;
    enoent?: boolean;
  },
) {
  const calls: { cmd: string; args: readonly string[]; shell: unknown }[] = [];
  const spawn: Spawner = (cmd, args, options) => {
    calls.push({ cmd, args, shell: options.shell });
    const child = new EventEmitter() as ChildProcess;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    Object.assign(child, { stdout, stderr, kill: () => true });
    const a = answer(args);
    setTimeout(() => {
      if (a.enoent) {
        child.emit('error', Object.assign(new Error(`spawn ${cmd} ENOENT`), { code: 'ENOENT' }));
        return;
      }
      if (a.out) stdout.write(a.out);
      if (a.err) stderr.write(a.err);
      child.emit('close', a.code ?? 0);
    }, a.delayMs ?? 1);
    return child;
  };
  return { spawn, calls };
}

let dir = '';
let env: NodeJS.ProcessEnv = {};
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ek-signin-unit-'));
  writeFileSync(
    join(dir, 'config'),
    '[profile sso]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = R\n[sso-session s]\nsso_start_url = https://x.example.awsapps.com/start\nsso_region = us-east-1\n',
  );
  env = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sign-in', () => {
  it('parses aws --version of v1 and v2', () => {
    assert.deepEqual(parseAwsVersion('aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64'), {
      version: '2.15.30',
      major: 2,
    });
    assert.deepEqual(parseAwsVersion('aws-cli/1.45.11 Python/3.11.7 Linux/6.1 botocore/1.43.11'), {
      version: '1.45.11',
      major: 1,
    });
    assert.equal(parseAwsVersion('command not found'), null);
  });

  it('looks for aws on PATH and then where installers put it (GUI apps get a short PATH)', () => {
    const c = awsCandidates({ PATH: '/custom/bin', HOME: '/home/me' }, 'linux');
    assert.equal(c[0], '/custom/bin/aws');
    assert.ok(c.includes('/usr/local/bin/aws') && c.includes('/usr/local/aws-cli/v2/current/bin/aws'));
    assert.ok(awsCandidates({ PATH: '', HOME: '/Users/me' }, 'darwin').includes('/opt/homebrew/bin/aws'));
  });

  it('v1 (even printing its version on stderr) is too old; ENOENT is missing', async () => {
    const v1 = fakeSpawn(() => ({ err: 'aws-cli/1.18.69 Python/2.7.18 Linux/5.4 botocore/1.16.19\n' }));
    await assert.rejects(
      detectAwsCli({ spawn: v1.spawn, awsPath: '/x/aws', env }),
      (e: unknown) =>
        e instanceof KeeperError && e.category === 'tool-missing' && /1\.18\.69/.test(e.message) && /v2/.test(e.fix),
    );
    const gone = fakeSpawn(() => ({ enoent: true }));
    await assert.rejects(
      detectAwsCli({ spawn: gone.spawn, awsPath: '/x/aws', env }),
      (e: unknown) => e instanceof KeeperError && e.category === 'tool-missing',
    );
  });

  it('runs aws sso login --profile P without a shell, one at a time per profile, then refreshes', async () => {
    const f = fakeSpawn((args) =>
      args[0] === '--version'
        ? { out: 'aws-cli/2.15.30 Python/3.11.8\n' }
        : { out: 'Successfully logged into Start URL\n', delayMs: 20 },
    );
    const refreshed: string[] = [];
    const lines: string[] = [];
    const signIn = createSignIn({
      env,
      spawn: f.spawn,
      awsPath: '/x/aws',
      onOutput: (l) => lines.push(l),
      refreshProfile: (p) => {
        refreshed.push(p);
        return Promise.resolve();
      },
    });
    await Promise.all([signIn('sso'), signIn('sso')]);
    const logins = f.calls.filter((c) => c.args[0] === 'sso');
    assert.equal(logins.length, 1, 'a second click joins the first sign-in');
    assert.deepEqual(logins[0].args, ['sso', 'login', '--profile', 'sso']);
    assert.ok(!logins[0].shell, 'no shell');
    assert.deepEqual(refreshed, ['sso']);
    assert.deepEqual(lines, ['Successfully logged into Start URL']);
    assert.equal(ssoLoginCommand('sso'), 'aws sso login --profile sso');
  });

  it('a failing sign-in does not refresh, and says how to run it by hand', async () => {
    const f = fakeSpawn((args) =>
      args[0] === '--version' ? { out: 'aws-cli/2.15.30\n' } : { err: 'Error: browser closed\n', code: 1 },
    );
    let refreshed = 0;
    const signIn = createSignIn({
      env,
      spawn: f.spawn,
      awsPath: '/x/aws',
      refreshProfile: () => {
        refreshed += 1;
        return Promise.resolve();
      },
    });
    await assert.rejects(
      signIn('sso'),
      (e: unknown) =>
        e instanceof KeeperError &&
        e.category === 'signin-required' &&
        /browser closed/.test(e.message) &&
        e.fix.includes('aws sso login --profile sso'),
    );
    assert.equal(refreshed, 0);
  });
});
