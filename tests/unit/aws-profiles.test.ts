import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  awsFiles,
  findProfile,
  listProfiles,
  profileEndpoint,
  profileNotFound,
  profileType,
} from '../../src/core/aws-profiles';
import { KeeperError } from '../../src/core/errors';

let dir = '';
let env: NodeJS.ProcessEnv = {};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ek-aws-profiles-'));
  writeFileSync(
    join(dir, 'cfg'),
    [
      '[default]',
      'region = us-east-1',
      '[profile sso]',
      'sso_session = corp',
      'sso_account_id = 111122223333',
      'sso_role_name = Dev',
      'region = eu-west-1',
      '[sso-session corp]',
      'sso_start_url = https://corp.example.awsapps.com/start',
      'sso_region = us-east-1',
      '[profile legacy]',
      'sso_start_url = https://x.example.awsapps.com/start',
      'sso_region = us-east-1',
      'sso_account_id = 111122223333',
      'sso_role_name = Dev',
      '[profile role]',
      'role_arn = arn:aws:iam::111122223333:role/r',
      'source_profile = default',
      'services = local',
      '[profile mfa]',
      'role_arn = arn:aws:iam::111122223333:role/m',
      'source_profile = default',
      'mfa_serial = arn:aws:iam::111122223333:mfa/me',
      'endpoint_url = http://127.0.0.1:9/all',
      '[profile proc]',
      'credential_process = /bin/false',
      '[profile web]',
      'role_arn = arn:aws:iam::111122223333:role/w',
      'web_identity_token_file = /tmp/t',
      '[profile ignored]',
      'endpoint_url = http://127.0.0.1:9/x',
      'ignore_configured_endpoint_urls = true',
      '[profile bare]',
      'region = ap-south-1',
      '[services local]',
      'ecr =',
      '  endpoint_url = http://127.0.0.1:9/ecr',
      'ecr_public =',
      '  endpoint_url = http://127.0.0.1:9/pub',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'creds'),
    '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n[keys-only]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
  );
  env = { HOME: join(dir, 'home'), AWS_CONFIG_FILE: join(dir, 'cfg'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'creds') };
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('aws profiles', () => {
  it('classifies each kind of profile the way the SDK resolves it', () => {
    assert.equal(profileType({ aws_access_key_id: 'A', aws_secret_access_key: 'B' }), 'static');
    assert.equal(profileType({ role_arn: 'r', source_profile: 'x' }), 'role');
    assert.equal(profileType({ role_arn: 'r', credential_source: 'Ec2InstanceMetadata' }), 'role');
    assert.equal(profileType({ role_arn: 'r', source_profile: 'x', mfa_serial: 'm' }), 'mfa');
    assert.equal(profileType({ role_arn: 'r', web_identity_token_file: '/t' }), 'web-identity');
    assert.equal(profileType({ credential_process: 'x' }), 'process');
    assert.equal(profileType({ sso_session: 's' }), 'sso');
    assert.equal(profileType({ sso_start_url: 'u', sso_account_id: '1' }), 'sso');
    assert.equal(profileType({ region: 'x' }), 'other');
  });

  it('lists profiles from both files (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), default first', async () => {
    const list = await listProfiles(env);
    assert.equal(list[0].name, 'default');
    const byName = Object.fromEntries(list.map((p) => [p.name, p]));
    assert.deepEqual(Object.fromEntries(list.map((p) => [p.name, p.type])), {
      default: 'static',
      bare: 'other',
      ignored: 'other',
      'keys-only': 'static',
      legacy: 'sso',
      mfa: 'mfa',
      proc: 'process',
      role: 'role',
      sso: 'sso',
      web: 'web-identity',
    });
    assert.equal(byName.default.region, 'us-east-1');
    assert.equal(byName.sso.region, 'eu-west-1');
    assert.equal(byName.sso.ssoSession, 'corp');
    assert.equal(byName.mfa.mfaSerial, 'arn:aws:iam::111122223333:mfa/me');
    assert.equal(byName.proc.region, null);
    assert.ok(!JSON.stringify(list).includes('wJalr'), 'never returns secrets');
    assert.ok(!list.some((p) => p.name.startsWith('sso-session') || p.name.startsWith('services')));
  });

  it('missing files mean no profiles, not an error', async () => {
    assert.deepEqual(await listProfiles({ HOME: join(dir, 'nowhere') }), []);
  });

  it('a missing profile names the files searched', async () => {
    await assert.rejects(findProfile('nope', env), (err: unknown) => {
      assert.ok(err instanceof KeeperError);
      assert.equal(err.category, 'profile-not-found');
      assert.ok(err.message.includes(join(dir, 'cfg')) && err.message.includes(join(dir, 'creds')), err.message);
      assert.match(err.fix, /\[profile nope\]/);
      return true;
    });
    assert.equal((await findProfile('sso', env)).type, 'sso');
  });

  it('default file locations follow HOME, and ~ in AWS_CONFIG_FILE is expanded', () => {
    assert.deepEqual(awsFiles({ HOME: '/h' }), {
      configFile: join('/h', '.aws', 'config'),
      credentialsFile: join('/h', '.aws', 'credentials'),
    });
    assert.equal(awsFiles({ HOME: '/h', AWS_CONFIG_FILE: '~/cfg' }).configFile, join('/h', 'cfg'));
    assert.match(profileNotFound('p', { HOME: '/h' }).message, /\/h\/\.aws\/config or \/h\/\.aws\/credentials/);
  });

  it('endpoint_url from a profile: services section per service, else top level, unless ignored', async () => {
    assert.equal(await profileEndpoint('role', 'ecr', env), 'http://127.0.0.1:9/ecr');
    assert.equal(await profileEndpoint('role', 'ecr_public', env), 'http://127.0.0.1:9/pub');
    assert.equal(await profileEndpoint('mfa', 'ecr', env), 'http://127.0.0.1:9/all');
    assert.equal(await profileEndpoint('ignored', 'ecr', env), undefined);
    assert.equal(await profileEndpoint('bare', 'ecr', env), undefined);
    assert.equal(await profileEndpoint('nope', 'ecr', env), undefined);
  });
});
