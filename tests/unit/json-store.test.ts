// The CLI's store (src/core/json-store.ts) and conf (under the tray app's electron-store) must
// read and write the same files the same way: checked against conf itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { openJsonFile } from '../../src/core/json-store';
import { openSettings, type JsonStore, type StoreOptions } from '../../src/core/settings';

const conf = (o: StoreOptions) => new Conf(o as ConstructorParameters<typeof Conf>[0]) as unknown as JsonStore;
const options = (cwd: string): StoreOptions => ({
  cwd,
  configName: 'config',
  defaults: { a: 1, nested: { b: true } },
  clearInvalidConfig: false,
  accessPropertiesByDotNotation: false,
  configFileMode: 0o600,
});

test('opening writes the same file conf writes: missing defaults filled in, tab-indented, with the mode asked for', () => {
  for (const before of [undefined, '{"x": 2}', '{"a": 5, "nested": {"b": false}}']) {
    const [ours, theirs] = [mkdtempSync(join(tmpdir(), 'ek-js-')), mkdtempSync(join(tmpdir(), 'ek-conf-'))];
    if (before !== undefined) for (const d of [ours, theirs]) writeFileSync(join(d, 'config.json'), before);
    const a = openJsonFile(options(ours));
    const b = conf(options(theirs));
    assert.equal(a.path, join(ours, 'config.json'));
    assert.equal(readFileSync(a.path, 'utf8'), readFileSync(b.path, 'utf8'), String(before));
    assert.deepEqual(a.store, { ...b.store }); // conf's objects have no prototype; the content is what counts
    assert.equal(statSync(a.path).mode & 0o777, statSync(b.path).mode & 0o777);
  }
});

test("writes are read back by conf and conf's writes by us; each read sees the file as it is now", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ek-js-'));
  const ours = openJsonFile(options(dir));
  const theirs = conf(options(dir));
  ours.store = { a: 7, list: [1, 2] };
  assert.deepEqual({ ...theirs.store }, { a: 7, list: [1, 2] });
  theirs.store = { a: 8 };
  assert.deepEqual(ours.store, { a: 8 });
});

test("the CLI's store through openSettings: defaults, a change, a corrupt file backed up", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ek-js-'));
  const { repo } = openSettings(openJsonFile, dir);
  repo.update((cur) => ({ ...cur, refreshLeadMinutes: 45 }));
  assert.equal(
    (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>).refreshLeadMinutes,
    45,
  );
  writeFileSync(join(dir, 'config.json'), '{ broken');
  const again = openSettings(openJsonFile, dir);
  assert.match(again.warnings[0], /could not be read .*kept as/);
  assert.equal(again.repo.read().refreshLeadMinutes, 30);
});
