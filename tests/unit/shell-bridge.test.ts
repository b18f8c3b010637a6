// The preload's window.ecrKeeper (built by src/electron/bridge.ts) over a stand-in ipcRenderer,
// the electron-store opener, and the built preload bundle's shape.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { EVENT_CHANNELS, METHODS } from '../../src/electron/contract';
import { createBridgeApi } from '../../src/electron/bridge';
import { electronStoreOpener } from '../../src/electron/store';

class StandInIpcRenderer {
  invoked: [string, unknown[]][] = [];
  listeners = new Map<string, Set<(e: unknown, ...a: unknown[]) => void>>();
  invoke(channel: string, ...args: unknown[]) {
    this.invoked.push([channel, args]);
    return Promise.resolve({ result: channel });
  }
  on(channel: string, fn: (e: unknown, ...a: unknown[]) => void) {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(fn);
  }
  removeListener(channel: string, fn: (e: unknown, ...a: unknown[]) => void) {
    this.listeners.get(channel)?.delete(fn);
  }
  emit(channel: string, payload: unknown) {
    for (const fn of this.listeners.get(channel) ?? []) fn({ sender: 'ipc-internals' }, payload);
  }
}

describe('window.ecrKeeper', () => {
  it('one method per contract message, each invoking its channel with the arguments', async () => {
    const ipc = new StandInIpcRenderer();
    const api = createBridgeApi(ipc);
    assert.deepEqual(Object.keys(api).sort(), [...Object.keys(METHODS), 'on'].sort());
    assert.deepEqual(await api.refresh('r1'), { result: 'registry:refresh' });
    await api.updateRegistry('r1', { name: 'prod' });
    await api.getSnapshot();
    assert.deepEqual(ipc.invoked, [
      ['registry:refresh', ['r1']],
      ['registry:update', ['r1', { name: 'prod' }]],
      ['snapshot:get', []],
    ]);
    assert.ok(Object.isFrozen(api));
  });

  it('events deliver only the payload (never Electron’s event object) and unsubscribe', () => {
    const ipc = new StandInIpcRenderer();
    const api = createBridgeApi(ipc);
    const got: unknown[] = [];
    const off = api.on('app:focusRegistry', (id) => got.push(id));
    ipc.emit('app:focusRegistry', 'r9');
    off();
    ipc.emit('app:focusRegistry', 'r10');
    assert.deepEqual(got, ['r9']);
    assert.equal(ipc.listeners.get('app:focusRegistry')!.size, 0);
  });

  it('unknown events are refused (the page cannot listen on arbitrary channels)', () => {
    const api = createBridgeApi(new StandInIpcRenderer());
    assert.throws(() => api.on('electron-store-get-data' as never, () => {}), /Unknown event/);
    for (const e of EVENT_CHANNELS) assert.equal(typeof api.on(e, () => {}), 'function');
  });

  it('the built preload is one CommonJS file requiring only electron', () => {
    assert.ok(
      existsSync('dist/preload.cjs'),
      'dist/preload.cjs is built (npm test builds first; alone, run npm run build)',
    );
    const js = readFileSync('dist/preload.cjs', 'utf8');
    const requires = [...js.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(requires)], ['electron'], 'a sandboxed preload can require nothing else');
    assert.ok(!/^\s*(import|export)\s/m.test(js), 'no ES module syntax');
    assert.match(js, /exposeInMainWorld\("ecrKeeper"/);
  });
});

describe('electronStoreOpener', () => {
  it('passes the file name as `name` (electron-store overwrites configName with it)', () => {
    const made: Record<string, unknown>[] = [];
    class StandInStore {
      path = '/x/state.json';
      store = {};
      constructor(o: Record<string, unknown>) {
        made.push(o);
      }
    }
    const open = electronStoreOpener(StandInStore);
    open({
      cwd: '/cfg',
      configName: 'state',
      defaults: {},
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
    });
    assert.deepEqual(made[0], {
      cwd: '/cfg',
      name: 'state',
      defaults: {},
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
    });
  });
});
