// IPC: the shell's registration (sender check first) over the real handler table
// (src/electron/handlers.ts) and a real keeper with stand-in token source and login runner.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INVOKE_CHANNELS, type Result } from '../../src/electron/contract';
import type { HandlerServices } from '../../src/electron/handlers';
import { createHandlers } from '../../src/electron/handlers';
import { FOREIGN_SENDER, registerIpc } from '../../src/electron/ipc';
import { isOwnFrame } from '../../src/electron/window';
import { makeKeeper } from '../helpers/keeper-harness';

const PAGE_URL = 'file:///app/dist/renderer/index.html';
const OWN = { sender: { id: 1 }, senderFrame: { url: PAGE_URL, parent: null } };
const FOREIGN = { sender: { id: 2 }, senderFrame: { url: 'https://evil.example/', parent: null } };

/** Stand-in for ipcMain: keeps the handlers so the test can invoke them like a renderer would. */
class StandInIpcMain {
  handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  handle(channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, fn);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(event: unknown, channel: string, ...args: unknown[]): Promise<Result<unknown>> {
    const fn = this.handlers.get(channel);
    if (!fn) throw new Error(`No handler registered for '${channel}'`);
    return Promise.resolve(fn(event, ...args)) as Promise<Result<unknown>>;
  }
}

const standInServices = (): HandlerServices => ({
  configDir: '/tmp/config',
  listProfiles: () => [{ name: 'default', type: 'static', region: 'us-east-1' }],
  detectAccount: () => Promise.resolve('123456789012'),
  answerMfa: () => false,
  signIn: () => Promise.resolve(true),
});

function setup() {
  const h = makeKeeper();
  const ipc = new StandInIpcMain();
  const refused: string[] = [];
  const unregister = registerIpc({
    ipcMain: ipc as never,
    handlers: createHandlers(h.keeper, standInServices()),
    isOwnSender: (e) => isOwnFrame(e, { webContentsId: 1, pageUrl: PAGE_URL }),
    onRefused: (channel, url) => refused.push(`${channel} ${url}`),
  });
  return { ...h, ipc, refused, unregister };
}

describe('registerIpc', () => {
  it('registers every contract channel once and can remove them', () => {
    const { ipc, unregister, keeper } = setup();
    assert.deepEqual([...ipc.handlers.keys()].sort(), [...INVOKE_CHANNELS].sort());
    unregister();
    assert.equal(ipc.handlers.size, 0);
    void keeper.stop();
  });

  it('a foreign sender is refused before any handler runs; nothing changes', async () => {
    const { ipc, keeper, refused, s } = setup();
    const before = JSON.stringify(keeper.settings());
    const r = await ipc.invoke(FOREIGN, 'registry:add', {
      name: 'evil',
      region: 'us-east-1',
      accountId: '123456789012',
    });
    assert.deepEqual(r, { error: FOREIGN_SENDER });
    assert.deepEqual(
      await ipc.invoke({ sender: { id: 1 }, senderFrame: { url: PAGE_URL, parent: {} } }, 'snapshot:get'),
      { error: FOREIGN_SENDER },
      'an iframe in our window',
    );
    assert.deepEqual(await ipc.invoke({ sender: { id: 1 }, senderFrame: null }, 'registry:refreshAll'), {
      error: FOREIGN_SENDER,
    });
    assert.equal(JSON.stringify(keeper.settings()), before);
    assert.equal(s.tokenCalls.length, 0);
    assert.deepEqual(refused, [
      'registry:add https://evil.example/',
      `snapshot:get ${PAGE_URL}`,
      'registry:refreshAll (no frame)',
    ]);
    await keeper.stop();
  });

  it('our window gets {result}', async () => {
    const { ipc, keeper } = setup();
    const added = await ipc.invoke(OWN, 'registry:add', {
      name: 'prod',
      region: 'us-east-1',
      accountId: '123456789012',
    });
    assert.ok('result' in added);
    const snap = await ipc.invoke(OWN, 'snapshot:get');
    assert.ok('result' in snap);
    assert.equal((snap.result as { registries: unknown[] }).registries.length, 1);
    await keeper.stop();
  });

  it('malformed arguments are rejected with invalid-input and change nothing', async () => {
    const { ipc, keeper, s } = setup();
    const before = JSON.stringify(keeper.settings());
    const cases: [string, unknown[]][] = [
      ['registry:add', []],
      ['registry:add', ['not an object']],
      ['registry:add', [{ name: 'x', region: 'us-east-1', accountId: '123456789012' }, 'extra']],
      ['registry:add', [{ name: 'x', region: 'mars-1', accountId: '12' }]],
      ['registry:add', [{ name: 'x', region: 'us-east-1', accountId: '123456789012', password: 'nope' }]],
      ['registry:refresh', [{ id: 'r1' }]],
      ['registry:refresh', ['../../etc/passwd']],
      ['registry:remove', [42]],
      ['settings:update', [{ autoRefresh: 'yes' }]],
      ['settings:update', [{ refreshLeadMinutes: 100000 }]],
      ['settings:update', [[]]],
      ['aws:detectAccount', ['default', 'not a region']],
      ['mfa:answer', ['req', '12ab56']],
      ['signin:start', ['--profile=x; rm -rf /']],
    ];
    for (const [channel, args] of cases) {
      const r = await ipc.invoke(OWN, channel, ...args);
      assert.ok('error' in r, `${channel} ${JSON.stringify(args)} must fail`);
      assert.equal(r.error.category, 'invalid-input', `${channel} ${JSON.stringify(args)}: ${r.error.message}`);
      assert.ok(r.error.message && r.error.fix);
    }
    const form = await ipc.invoke(OWN, 'registry:add', { name: 'x', region: 'mars-1', accountId: '12' });
    assert.ok(
      'error' in form && form.error.problems && form.error.problems.length >= 1,
      'field problems survive for the form',
    );
    assert.equal(JSON.stringify(keeper.settings()), before);
    assert.equal(s.tokenCalls.length + s.logins.length, 0);
    await keeper.stop();
  });

  it('a refresh through IPC runs the keeper and returns a secret-free snapshot', async () => {
    const { ipc, keeper, s } = setup();
    const added = await ipc.invoke(OWN, 'registry:add', {
      name: 'prod',
      region: 'us-east-1',
      accountId: '123456789012',
    });
    const id = ('result' in added ? added.result : null) as { id: string };
    const r = await ipc.invoke(OWN, 'registry:refresh', id.id);
    assert.ok('result' in r);
    assert.equal((r.result as { state: string }).state, 'valid');
    assert.equal(s.logins.length, 1);
    assert.ok(!JSON.stringify(r).includes(s.logins[0].password), 'no password crosses IPC');
    await keeper.stop();
  });
});
