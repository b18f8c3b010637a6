// The main-side pieces behind the window's card actions (issue 17): the AWS console URL and its
// partition check, the "open in console" and clipboard handlers, the copyable login command, and
// the registry rules the form and the CLI share (account IDs as the console shows them, one
// registry per host and tool, over-long input reported rather than cut).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consoleUrl, isConsoleUrlFor } from '../../src/core/console-url';
import { loginCommand } from '../../src/core/login-command';
import { validateRegistryInput, type Registry } from '../../src/core/registry';
import { validateSettingsPatch } from '../../src/core/settings-model';
import { createHandlers, dispatch, missingTools, type HandlerServices } from '../../src/electron/handlers';
import { makeKeeper } from '../helpers/keeper-harness';

describe('AWS console URL', () => {
  it("points at the repository list of the registry's region, per partition", () => {
    assert.equal(
      consoleUrl({ kind: 'private', region: 'eu-west-1' }),
      'https://eu-west-1.console.aws.amazon.com/ecr/private-registry/repositories?region=eu-west-1',
    );
    assert.equal(
      consoleUrl({ kind: 'private', region: 'cn-north-1' }),
      'https://console.amazonaws.cn/ecr/private-registry/repositories?region=cn-north-1',
    );
    assert.equal(
      consoleUrl({ kind: 'private', region: 'us-gov-west-1' }),
      'https://console.amazonaws-us-gov.com/ecr/private-registry/repositories?region=us-gov-west-1',
    );
    assert.equal(
      consoleUrl({ kind: 'public', region: 'us-east-1' }),
      'https://us-east-1.console.aws.amazon.com/ecr/public-registry/repositories?region=us-east-1',
    );
    assert.equal(
      consoleUrl({ kind: 'private', region: 'us-iso-east-1' }),
      null,
      'no public console for isolated partitions',
    );
  });

  it("accepts only https on the console hosts of the region's own partition", () => {
    for (const region of ['eu-west-1', 'cn-north-1', 'us-gov-east-1'])
      assert.ok(isConsoleUrlFor(consoleUrl({ kind: 'private', region })!, region), region);
    for (const [url, region] of [
      ['https://console.amazonaws.cn/ecr/', 'eu-west-1'], // another partition's console
      ['https://eu-west-1.console.aws.amazon.com/ecr/', 'cn-north-1'],
      ['https://us-east-1.console.aws.amazon.com/ecr/', 'eu-west-1'], // another region's host
      ['http://eu-west-1.console.aws.amazon.com/ecr/', 'eu-west-1'], // not https
      ['https://eu-west-1.console.aws.amazon.com.evil.example/', 'eu-west-1'],
      ['https://user@console.aws.amazon.com/', 'eu-west-1'],
      ['https://console.aws.amazon.com:8443/', 'eu-west-1'],
      ['file:///etc/passwd', 'eu-west-1'],
      ['not a url', 'eu-west-1'],
    ] as const)
      assert.equal(isConsoleUrlFor(url, region), false, url);
  });
});

describe('window action handlers', () => {
  const services = (opened: string[], copied: string[]): HandlerServices => ({
    configDir: '/tmp/config',
    listProfiles: () => [],
    detectAccount: () => Promise.resolve('123456789012'),
    answerMfa: () => false,
    signIn: () => Promise.resolve(true),
    openExternal: (url) => {
      opened.push(url);
      return Promise.resolve();
    },
    writeClipboard: (text) => {
      copied.push(text);
    },
  });

  it('registry:openConsole opens the console URL of that registry in the system browser', async () => {
    const { keeper } = makeKeeper();
    const opened: string[] = [];
    const handlers = createHandlers(keeper, services(opened, []));
    const eu = keeper.addRegistry({ name: 'eu', region: 'eu-west-1', accountId: '123456789012' });
    const iso = keeper.addRegistry({ name: 'iso', region: 'us-iso-east-1', accountId: '123456789012' });
    assert.deepEqual(await dispatch(handlers, 'registry:openConsole', [eu.id]), {
      result: 'https://eu-west-1.console.aws.amazon.com/ecr/private-registry/repositories?region=eu-west-1',
    });
    const noConsole = await dispatch(handlers, 'registry:openConsole', [iso.id]);
    assert.equal('error' in noConsole && noConsole.error.category, 'config');
    const bad = await dispatch(handlers, 'registry:openConsole', ['https://evil.example/']);
    assert.equal('error' in bad && bad.error.category, 'invalid-input');
    assert.deepEqual(opened, [
      'https://eu-west-1.console.aws.amazon.com/ecr/private-registry/repositories?region=eu-west-1',
    ]);
    await keeper.stop();
  });

  it('clipboard:write takes 1-10000 characters of text; refreshMany a list of ids', async () => {
    const { keeper, s } = makeKeeper();
    const copied: string[] = [];
    const handlers = createHandlers(keeper, services([], copied));
    assert.deepEqual(await dispatch(handlers, 'clipboard:write', ['host']), { result: true });
    for (const arg of ['', 'x'.repeat(10_001), 42, null])
      assert.ok('error' in (await dispatch(handlers, 'clipboard:write', [arg])));
    assert.deepEqual(copied, ['host']);
    const a = keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
    const b = keeper.addRegistry({ name: 'b', region: 'us-east-1', accountId: '123456789013' });
    keeper.addRegistry({ name: 'c', region: 'us-east-1', accountId: '123456789014' });
    const r = await dispatch(handlers, 'registry:refreshMany', [[a.id, b.id]]);
    assert.ok('result' in r);
    assert.deepEqual(
      (r.result as { name: string }[]).map((x) => x.name),
      ['a', 'b'],
    );
    // (The stand-in token source has no shared cache: one call per registry, and none for c.)
    assert.equal(s.tokenCalls.length, 2, 'only the chosen registries');
    assert.equal(keeper.snapshot().registries.find((x) => x.name === 'c')!.state, 'idle');
    for (const arg of [[], 'a', [1], Array(1001).fill(a.id)])
      assert.ok('error' in (await dispatch(handlers, 'registry:refreshMany', [arg])), JSON.stringify(arg).slice(0, 30));
    await keeper.stop();
  });

  it("a card's refresh asks for a new token; refreshAll shares the cached one", async () => {
    const { keeper, s } = makeKeeper();
    const handlers = createHandlers(keeper, services([], []));
    const a = keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
    await keeper.refreshAll();
    const forced: (boolean | undefined)[] = [];
    const orig = (keeper as unknown as { deps: { tokens: { get: (r: unknown, o?: { force?: boolean }) => unknown } } })
      .deps.tokens;
    const get = orig.get.bind(orig);
    orig.get = (r, o) => {
      forced.push(o?.force);
      return get(r, o);
    };
    await dispatch(handlers, 'registry:refresh', [a.id]);
    await keeper.refreshAll();
    assert.deepEqual(forced, [true, false]);
    assert.ok(s.tokenCalls.length >= 2);
    await keeper.stop();
  });

  it('settings:update names problems by label and refuses a tool path that is not a program', async () => {
    const { keeper } = makeKeeper();
    const handlers = createHandlers(keeper, services([], []));
    const r = await dispatch(handlers, 'settings:update', [
      { refreshLeadMinutes: 1, toolPaths: { docker: '/nonexistent/docker' } },
    ]);
    assert.ok('error' in r);
    assert.deepEqual(
      r.error.problems?.map((p) => p.message),
      [
        'Refresh before expiry must be a whole number from 5 to 360.',
        'The docker path /nonexistent/docker is not a program: there is no executable file there. Leave it empty to search PATH and the usual places.',
      ],
    );
    assert.deepEqual(missingTools({ docker: process.execPath }), []);
    const cli = validateSettingsPatch({ refreshLeadMinutes: 1 });
    assert.equal(
      cli.ok ? '' : cli.errors[0].message,
      'refreshLeadMinutes must be a whole number from 5 to 360.',
      'the CLI keeps the key',
    );
    await keeper.stop();
  });
});

describe('login command and shared registry rules', () => {
  it('copies the pipeline people run, without the password', () => {
    assert.equal(
      loginCommand({
        kind: 'private',
        region: 'eu-west-1',
        profile: 'prod',
        tool: 'docker',
        host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
        apiEndpoint: null,
      }),
      'aws ecr get-login-password --region eu-west-1 --profile prod | docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    );
    assert.equal(
      loginCommand({
        kind: 'public',
        region: 'us-east-1',
        profile: null,
        tool: 'podman',
        host: null,
        apiEndpoint: null,
      }),
      'aws ecr-public get-login-password --region us-east-1 | podman login --username AWS --password-stdin public.ecr.aws',
    );
    assert.equal(
      loginCommand({
        kind: 'private',
        region: 'eu-west-1',
        profile: null,
        tool: 'docker',
        host: null,
        apiEndpoint: null,
      }),
      null,
      'host not known yet',
    );
  });

  it('account IDs with dashes or spaces are normalised; too-long names are reported', () => {
    for (const raw of ['1234-5678-9012', '1234 5678 9012', ' 123456789012 ']) {
      const v = validateRegistryInput({ name: 'x', region: 'us-east-1', accountId: raw });
      assert.ok(v.ok && v.value.accountId === '123456789012', raw);
    }
    const bad = validateRegistryInput({ name: 'x', region: 'us-east-1', accountId: '1234-5678-9012-3' });
    assert.equal(
      bad.ok ? '' : bad.errors[0].message,
      'Account ID "1234-5678-9012-3" is not valid: it must be exactly 12 digits, like 123456789012 (dashes and spaces are fine).',
    );
    const long = validateRegistryInput({ name: 'n'.repeat(64), region: 'us-east-1' });
    assert.equal(long.ok ? '' : long.errors[0].message, 'Name is too long (64 characters): use at most 63.');
  });

  it('one registry per host and tool; the message names the one that keeps it', () => {
    const existing: Registry[] = [
      {
        id: '1',
        name: 'prod',
        kind: 'private',
        region: 'eu-west-1',
        accountId: '111122223333',
        tool: 'docker',
        enabled: true,
        autoRefresh: true,
      },
    ];
    const dup = validateRegistryInput(
      { name: 'again', region: 'eu-west-1', accountId: '1111-2222-3333' },
      { existing },
    );
    assert.deepEqual(dup.ok ? [] : dup.errors, [
      {
        field: 'accountId',
        message:
          'Registry "prod" already logs docker in to 111122223333.dkr.ecr.eu-west-1.amazonaws.com: two would overwrite each other\'s login. Edit "prod" instead.',
      },
    ]);
    const viaHost = validateRegistryInput(
      { name: 'again', region: 'eu-west-1', registryHost: '111122223333.dkr.ecr.eu-west-1.amazonaws.com' },
      { existing },
    );
    assert.equal(viaHost.ok ? '' : viaHost.errors[0].field, 'registryHost');
    assert.ok(
      validateRegistryInput(
        { name: 'again', region: 'eu-west-1', accountId: '111122223333', tool: 'podman' },
        { existing },
      ).ok,
      'podman is another login',
    );
    assert.ok(
      validateRegistryInput(
        { name: 'prod', region: 'eu-west-1', accountId: '111122223333' },
        { existing, editingId: '1', base: existing[0] },
      ).ok,
      'an edit does not collide with itself',
    );
    // A host learnt from a token counts too.
    const learnt = validateRegistryInput(
      { name: 'again', region: 'us-east-1', accountId: '999988887777' },
      {
        existing: [{ ...existing[0], accountId: undefined }],
        hostOf: () => '999988887777.dkr.ecr.us-east-1.amazonaws.com',
      },
    );
    assert.equal(learnt.ok, false);
  });
});
