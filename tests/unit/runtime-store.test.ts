// RuntimeStore: the per-registry record, its named operations and its load/save, over an
// in-memory state file (the real one's locking is tested with settings.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeStore } from '../../src/core/runtime-store';
import type { PersistedState, StateRepo } from '../../src/core/settings';

function memoryState(
  initial: PersistedState = { registries: {} },
): StateRepo & { data: PersistedState; failWrites: boolean } {
  const repo = {
    path: '/mem/state.json',
    data: structuredClone(initial),
    failWrites: false,
    read: () => structuredClone(repo.data),
    update(change: (cur: PersistedState) => PersistedState) {
      if (repo.failWrites) throw new Error('disk full');
      repo.data = change(structuredClone(repo.data));
      return structuredClone(repo.data);
    },
  };
  return repo;
}

test('a login, a failure and a restart: what survives is what the next process reads', () => {
  const repo = memoryState();
  const store = new RuntimeStore(
    repo,
    () => 0.25,
    () => {},
  );
  store.get('a');
  store.attempted('a', 1000);
  store.loggedIn('a', { at: 2000, expiresAt: 50_000, fingerprint: 'fp', warnings: [] });
  store.learnt('a', { host: 'reg.example:5000', tokenAccount: '123456789012' });
  store.save('a');
  store.failed('a', { category: 'network', message: 'offline', fix: 'Check the network.', stage: 'aws' });
  store.save('a');
  const next = new RuntimeStore(
    repo,
    () => 0.75,
    () => {},
  );
  next.load(['a', 'b']);
  const a = next.get('a');
  assert.deepEqual(
    [a.expiresAt, a.lastSuccess, a.lastAttempt, a.failures, a.host, a.tokenAccount],
    [50_000, 2000, 1000, 1, 'reg.example:5000', '123456789012'],
  );
  assert.deepEqual(a.error, { category: 'network', message: 'offline', fix: 'Check the network.', stage: 'aws' });
  assert.equal(a.fingerprint, undefined, 'the fingerprint is memory only');
  assert.equal(next.peek('b'), undefined, 'nothing recorded, nothing loaded');
});

test('an edited state file is outside input: bad hosts, accounts and terminal control are dropped', () => {
  const repo = memoryState({
    registries: {
      a: {
        failures: 2,
        host: 'bad host',
        tokenAccount: '12',
        lastError: { category: 'network', message: 'off\u001b[2Jline', fix: 'x', action: { kind: 'rm -rf' } },
      },
    },
  });
  const store = new RuntimeStore(
    repo,
    () => 0.5,
    () => {},
  );
  store.load(['a']);
  const a = store.get('a');
  assert.deepEqual(
    [a.host, a.tokenAccount, a.error?.message, a.error?.action],
    [undefined, undefined, 'offline', undefined],
  );
});

test('a removed registry is left alone by a refresh that finishes late, and its entry is deleted', () => {
  const repo = memoryState();
  const store = new RuntimeStore(
    repo,
    () => 0.5,
    () => {},
  );
  store.get('a');
  store.save('a');
  store.retain(new Set());
  store.failed('a', { category: 'network', message: 'x', fix: 'y' });
  assert.equal(store.peek('a'), undefined);
  store.save('a');
  assert.deepEqual(repo.data.registries, {});
});

test('stored in plain text: the tool warnings give way (our notice says it with more help)', () => {
  const store = new RuntimeStore(
    memoryState(),
    () => 0.5,
    () => {},
  );
  store.get('a');
  store.loggedIn('a', { at: 1, expiresAt: 2, warnings: ['stored unencrypted'] });
  store.storedAs('a', 'store');
  assert.deepEqual(store.get('a').toolWarnings, ['stored unencrypted']);
  store.storedAs('a', 'plaintext');
  assert.deepEqual(store.get('a').toolWarnings, []);
});

test('a state file that cannot be written is reported, not thrown', () => {
  const repo = memoryState();
  const said: string[] = [];
  const store = new RuntimeStore(
    repo,
    () => 0.5,
    (m) => said.push(m),
  );
  store.get('a');
  repo.failWrites = true;
  store.save('a');
  assert.deepEqual(said, ['Could not save state to /mem/state.json: disk full']);
});

test('a batch writes the state file once, at its end, with every record it touched (also when it fails; nested batches join the outer one)', async () => {
  const repo = memoryState();
  let writes = 0;
  const update = repo.update.bind(repo);
  repo.update = (change) => {
    writes++;
    return update(change);
  };
  const store = new RuntimeStore(
    repo,
    () => 0.25,
    () => {},
  );
  await store.batch(async () => {
    for (const id of ['a', 'b', 'c']) {
      store.get(id);
      store.attempted(id, 1000);
      store.save(id);
      await Promise.resolve();
    }
    assert.equal(writes, 0, 'nothing written while the batch runs');
    await store.batch(() => {
      store.save('a');
      return Promise.resolve();
    });
    assert.equal(writes, 0, 'an inner batch leaves the write to the outer one');
  });
  assert.equal(writes, 1);
  assert.deepEqual(Object.keys(repo.data.registries).sort(), ['a', 'b', 'c']);
  await assert.rejects(
    store.batch(() => {
      store.get('d');
      store.attempted('d', 2000);
      store.save('d');
      return Promise.reject(new Error('a login blew up'));
    }),
    /blew up/,
  );
  assert.equal(writes, 2, 'a failed batch still writes what it recorded');
  assert.ok(repo.data.registries.d);
  store.save('a');
  assert.equal(writes, 3, 'outside a batch each save writes at once');
});
