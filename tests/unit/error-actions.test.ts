// What a person can do about an error travels as data (ErrorInfo.action), set where the error is
// made: the CLI's `login --signin` and the window's Sign in / Enter MFA code / tool path offers
// branch on it, so rewording a message or a fix can change nothing they decide.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeeperError, parseAction, toErrorInfo } from '../../src/core/errors';
import { classifyAwsError, type TokenRequest } from '../../src/core/tokens';
import { createLoginRunner } from '../../src/core/login';
import { makeKeeper } from '../helpers/keeper-harness';

const REQ: TokenRequest = { kind: 'private', region: 'eu-west-1', profile: 'team' };
const provider = (message: string) => Object.assign(new Error(message), { name: 'CredentialsProviderError' });
const sdk = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 403 } });

describe('errors carry their action', () => {
  it('an expired SSO session: sso-login for its profile', () => {
    const k = classifyAwsError(provider('The SSO session associated with this profile has expired.'), REQ);
    assert.deepEqual(toErrorInfo(k).action, { kind: 'sso-login', profile: 'team' });
  });

  it('an MFA code needed or refused: enter-mfa for its profile', () => {
    for (const err of [
      provider('Profile team requires multi-factor authentication, but no MFA code callback was provided.'),
      sdk('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.'),
    ]) {
      assert.deepEqual(toErrorInfo(classifyAwsError(err, REQ)).action, { kind: 'enter-mfa', profile: 'team' });
    }
  });

  it('other failures offer nothing to do but the fix', () => {
    assert.equal(
      toErrorInfo(
        classifyAwsError(sdk('AccessDeniedException', 'not authorized to perform ecr:GetAuthorizationToken'), REQ),
      ).action,
      undefined,
    );
  });

  it('a login tool that cannot be run: set-tool-path for that tool', async () => {
    const runner = createLoginRunner({ env: { PATH: '' } });
    await assert.rejects(
      runner.login({
        tool: 'podman',
        host: 'localhost:5999',
        username: 'AWS',
        password: 'fake-password-actions',
        toolPath: '/nonexistent/podman',
      }),
      (e: KeeperError) =>
        e.category === 'tool-missing' && e.action?.kind === 'set-tool-path' && e.action.tool === 'podman',
    );
  });

  it('parseAction keeps well-formed actions and drops anything else', () => {
    assert.deepEqual(parseAction({ kind: 'sso-login', profile: 'dev-sso' }), { kind: 'sso-login', profile: 'dev-sso' });
    assert.deepEqual(parseAction({ kind: 'set-tool-path', tool: 'helm' }), { kind: 'set-tool-path', tool: 'helm' });
    for (const bad of [
      null,
      'sso-login',
      { kind: 'sso-login' },
      { kind: 'sso-login', profile: 'a b;rm' },
      { kind: 'run', cmd: 'x' },
      { kind: 'set-tool-path', tool: 'bash' },
    ]) {
      assert.equal(parseAction(bad), undefined, JSON.stringify(bad));
    }
  });

  it('the action survives a restart through state.json, and a reworded fix changes nothing', async () => {
    const first = makeKeeper();
    first.keeper.addRegistry({ name: 'sso', region: 'us-east-1', accountId: '123456789012', profile: 'dev-sso' });
    first.s.tokenFailures.push(
      new KeeperError('signin-required', 'Reworded: your session ended.', 'Some other wording entirely.', {
        action: { kind: 'sso-login', profile: 'dev-sso' },
      }),
    );
    const snap = await first.keeper.refresh('sso');
    assert.deepEqual(snap.error?.action, { kind: 'sso-login', profile: 'dev-sso' });
    const again = makeKeeper({ dir: first.dir });
    assert.deepEqual(again.keeper.snapshot().registries[0].error?.action, { kind: 'sso-login', profile: 'dev-sso' });
  });
});

describe('a message and its fix read as two sentences', () => {
  it('withFix puts a full stop where the message has none, and nothing twice', async () => {
    const { withFix } = await import('../../src/core/errors');
    assert.equal(
      withFix('The registry rejected the docker login: 401 Unauthorized', 'Check that the host matches.'),
      'The registry rejected the docker login: 401 Unauthorized. Check that the host matches.',
    );
    assert.equal(
      withFix('not authorized to perform: ecr:GetAuthorizationToken', 'Ask your AWS administrator.'),
      'not authorized to perform: ecr:GetAuthorizationToken. Ask your AWS administrator.',
    );
    assert.equal(withFix('Timed out.', 'Retry.'), 'Timed out. Retry.');
    assert.equal(withFix('Done!', ''), 'Done!');
    assert.equal(withFix('', 'Only a fix.'), 'Only a fix.');
  });
});
