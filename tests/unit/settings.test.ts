import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import {
  DEFAULT_SETTINGS,
  LIMITS,
  defaultConfigDir,
  migrate,
  openSettings,
  validateSettingsPatch,
  type StoreOpener,
} from '../../src/core/settings';

const open: StoreOpener = (o) => new Conf(o as ConstructorParameters<typeof Conf>[0]);
const tmp = () => mkdtempSync(join(tmpdir(), 'ek-settings-'));
const fixedNow = () => new Date('2026-11-27T10:00:00.000Z');

test('fresh folder gets defaults and a readable file', () => {
  const dir = tmp();
  const { repo, warnings } = openSettings(open, dir);
  assert.deepEqual(warnings, []);
  assert.deepEqual(repo.read(), DEFAULT_SETTINGS);
  const reg = {
    id: 'x1',
    name: 'prod',
    kind: 'private',
    region: 'us-east-1',
    tool: 'docker',
    enabled: true,
    autoRefresh: true,
  };
  repo.update((cur) => ({ ...cur, registries: [reg as never] }));
  assert.equal(
    (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { registries: { name: string }[] }).registries[0]
      .name,
    'prod',
  );
});

test('a corrupt settings file is backed up beside itself, never lost, and defaults load with a warning', () => {
  const dir = tmp();
  const garbage = '{"registries": [ {"name": "prod", oops';
  writeFileSync(join(dir, 'config.json'), garbage);
  const { repo, warnings } = openSettings(open, dir, fixedNow);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /could not be read.*kept as .*config\.json\.backup-2026-11-27T10-00-00-000Z/);
  assert.equal(readFileSync(join(dir, 'config.json.backup-2026-11-27T10-00-00-000Z'), 'utf8'), garbage);
  assert.deepEqual(repo.read().registries, []);
});

test('a schema violation is treated the same way', () => {
  const dir = tmp();
  const bad = JSON.stringify({ autoRefresh: 'yes please', registries: [] });
  writeFileSync(join(dir, 'config.json'), bad);
  const { warnings } = openSettings(open, dir, fixedNow);
  assert.match(warnings[0], /schema violation|autoRefresh/i);
  assert.ok(readdirSync(dir).some((f) => f.startsWith('config.json.backup-')));
});

test('a corrupt state file is backed up too', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'state.json'), 'not json');
  const { state, warnings } = openSettings(open, dir, fixedNow);
  assert.match(warnings[0], /state\.json could not be read/);
  assert.deepEqual(state.read(), { registries: {} });
  assert.equal(readFileSync(join(dir, 'state.json.backup-2026-11-27T10-00-00-000Z'), 'utf8'), 'not json');
});

test('registries that no longer validate are set aside with the original kept', () => {
  const dir = tmp();
  const good = {
    id: 'g',
    name: 'good',
    kind: 'private',
    region: 'us-east-1',
    tool: 'docker',
    enabled: true,
    autoRefresh: true,
  };
  const bad = {
    id: 'b',
    name: 'bad name!',
    kind: 'private',
    region: 'us-east-1',
    tool: 'docker',
    enabled: true,
    autoRefresh: true,
  };
  const original = JSON.stringify({ ...DEFAULT_SETTINGS, registries: [good, bad] });
  writeFileSync(join(dir, 'config.json'), original);
  const { repo, warnings } = openSettings(open, dir, fixedNow);
  assert.match(warnings[0], /1 registry .* set aside/);
  assert.deepEqual(
    repo.read().registries.map((r) => r.name),
    ['good'],
  );
  const backup = readdirSync(dir).find((f) => f.startsWith('config.json.backup-'))!;
  assert.equal(readFileSync(join(dir, backup), 'utf8'), original);
});

test('migration from an unversioned file', () => {
  const m = migrate({ refreshLead: 1200, autoRefresh: false });
  assert.equal(m.version, 1);
  assert.equal(m.refreshLeadMinutes, 20);
  assert.equal('refreshLead' in m, false);
  const dir = tmp();
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ refreshLead: 1200, autoRefresh: false, registries: [] }));
  const { repo } = openSettings(open, dir);
  assert.equal(repo.read().refreshLeadMinutes, 20);
  assert.equal((JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>).version, 1);
});

test('settings patches are validated field by field', () => {
  assert.deepEqual(validateSettingsPatch({ autoRefresh: false, refreshLeadMinutes: 45 }), {
    ok: true,
    value: { autoRefresh: false, refreshLeadMinutes: 45 },
  });
  const bad = validateSettingsPatch({
    refreshLeadMinutes: 2,
    loginTimeoutSeconds: 'x',
    toolPaths: { docker: 'docker; rm -rf /' },
    nope: 1,
  });
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    const fields = bad.errors.map((e) => e.field).sort();
    assert.deepEqual(fields, ['input', 'loginTimeoutSeconds', 'refreshLeadMinutes', 'toolPaths.docker']);
    assert.match(bad.errors.find((e) => e.field === 'refreshLeadMinutes')!.message, /from 5 to 360/);
  }
  assert.deepEqual(validateSettingsPatch({ parallelLogins: 4 }), { ok: true, value: { parallelLogins: 4 } });
  for (const v of [0, 9, 2.5, '4']) assert.equal(validateSettingsPatch({ parallelLogins: v }).ok, false, String(v));
  // null: back to automatic (the key is dropped); only settings with an automatic value take it.
  assert.deepEqual(validateSettingsPatch({ parallelLogins: null }), { ok: true, value: { parallelLogins: undefined } });
  assert.equal(validateSettingsPatch({ refreshLeadMinutes: null }).ok, false);
});

test('config folder matches Electron userData per platform and honours the override', () => {
  assert.equal(defaultConfigDir({ HOME: '/home/a' }, 'linux'), '/home/a/.config/ECR Keeper');
  assert.equal(defaultConfigDir({ HOME: '/home/a', XDG_CONFIG_HOME: '/x' }, 'linux'), '/x/ECR Keeper');
  assert.equal(defaultConfigDir({ HOME: '/Users/a' }, 'darwin'), '/Users/a/Library/Application Support/ECR Keeper');
  assert.equal(defaultConfigDir({ HOME: '/h', ECR_KEEPER_CONFIG_DIR: '/custom' }, 'linux'), '/custom');
});

test('a state file of the wrong shape is backed up like a corrupt one', () => {
  const dir = tmp();
  const text = JSON.stringify({ registries: ['not', 'a', 'map'] });
  writeFileSync(join(dir, 'state.json'), text);
  const { state, warnings } = openSettings(open, dir, fixedNow);
  assert.match(warnings[0], /state\.json could not be read \(Invalid content: "registries" must be an object\.\)/);
  assert.deepEqual(state.read(), { registries: {} });
  assert.equal(readFileSync(join(dir, 'state.json.backup-2026-11-27T10-00-00-000Z'), 'utf8'), text);
});

test('the settings file is checked by the rules a change must pass: same limits, same words; keys it does not know are passed over', () => {
  for (const [key, { min, max }] of Object.entries(LIMITS)) {
    for (const [value, ok] of [
      [min, true],
      [max, true],
      [min - 1, false],
      [max + 1, false],
      [min + 0.5, false],
      [String(min), false],
    ] as const) {
      const dir = tmp();
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({ version: 1, registries: [], [key]: value, fromANewerVersion: { x: 1 } }),
      );
      const { repo, warnings } = openSettings(open, dir, fixedNow);
      const patch = validateSettingsPatch({ [key]: value });
      assert.equal(patch.ok, ok, `${key}=${value}`);
      if (ok) {
        assert.deepEqual(warnings, [], `${key}=${value}`);
        assert.equal(repo.read()[key as keyof typeof LIMITS], value);
      } else {
        assert.equal(warnings.length, 1, `${key}=${value}`);
        assert.ok(
          !patch.ok && warnings[0].includes(patch.errors[0].message.replace(/\.$/, '')),
          `${warnings[0]} names the patch's problem`,
        );
      }
    }
  }
  const dir = tmp();
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      version: 1,
      registries: [],
      notifications: { expiring: false, fromANewerVersion: true },
      toolPaths: { docker: '~/bin/docker', nerdctl: '/x' },
    }),
  );
  const { repo, warnings } = openSettings(open, dir, fixedNow);
  assert.deepEqual(warnings, []);
  assert.equal(repo.read().notifications.expiring, false);
  assert.equal(repo.read().toolPaths.docker, '~/bin/docker');
});

test('a file that is JSON but not an object, or has bad parts, is refused whole and kept byte for byte', () => {
  for (const text of [
    '[1, 2, 3]',
    '"text"',
    '{"version": -1}',
    '{"registries": {"a": 1}}',
    '{"registries": [1]}',
    '{"toolPaths": {"docker": "docker"}}',
    '{"notifications": {"failed": "yes"}}',
  ]) {
    const dir = tmp();
    writeFileSync(join(dir, 'config.json'), text);
    const { repo, warnings } = openSettings(open, dir, fixedNow);
    assert.match(warnings[0] ?? '', /config\.json could not be read \(Invalid content: .*\)\. It was kept as/, text);
    assert.equal(readFileSync(join(dir, 'config.json.backup-2026-11-27T10-00-00-000Z'), 'utf8'), text);
    assert.deepEqual(repo.read(), DEFAULT_SETTINGS);
  }
});

test('settings that would not read back are never written', () => {
  const dir = tmp();
  const { repo } = openSettings(open, dir);
  const before = readFileSync(join(dir, 'config.json'), 'utf8');
  assert.throws(
    () => repo.update((cur) => ({ ...cur, refreshLeadMinutes: 1 })),
    /would not read back: refreshLeadMinutes must be a whole number from 5 to 360/,
  );
  assert.equal(readFileSync(join(dir, 'config.json'), 'utf8'), before);
});

test('a file that breaks a limit is refused and backed up', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ version: 1, refreshLeadMinutes: 1, registries: [] }));
  const { warnings } = openSettings(open, dir, fixedNow);
  assert.match(warnings[0], /refreshLeadMinutes/);
});

test('our own files are private: 0600 in a 0700 folder we create; a wider file is narrowed on open', () => {
  const parent = tmp();
  const dir = join(parent, 'ECR Keeper');
  const { repo } = openSettings(open, dir);
  repo.update((cur) => ({ ...cur, autoRefresh: false }));
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'config.json')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600);
  chmodSync(join(dir, 'config.json'), 0o644);
  openSettings(open, dir);
  assert.equal(statSync(join(dir, 'config.json')).mode & 0o777, 0o600);
});
