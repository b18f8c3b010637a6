// Small pure parts behind the CLI: local times with the zone, config keys -> settings patches,
// and the host removal `remove --logout` applies to a credential file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLocalTime } from '../../src/core/time-text';
import { CONFIG_KEYS, isConfigKey, patchFor, readKey } from '../../src/core/config-keys';
import { DEFAULT_SETTINGS, validateSettingsPatch } from '../../src/core/settings-model';
import { withoutHost } from '../../src/core/logout';

test('formatLocalTime: local wall time with the zone name', () => {
  const at = '2026-11-29T13:03:07.000Z';
  assert.equal(formatLocalTime(at, 'Europe/Paris'), '2026-11-29 14:03:07 GMT+1');
  assert.equal(formatLocalTime(at, 'America/New_York'), '2026-11-29 08:03:07 EST');
  assert.equal(formatLocalTime(at, 'UTC'), '2026-11-29 13:03:07 UTC');
  assert.equal(formatLocalTime('2026-11-29T00:30:00Z', 'UTC'), '2026-11-29 00:30:00 UTC', 'midnight is 00, not 24');
  assert.equal(formatLocalTime('not a time'), 'not a time');
});

test('formatLocalTime: the machine-zone text is the same with or without Intl (UTC takes a path without it)', () => {
  const saved = process.env.TZ;
  try {
    for (const tz of ['UTC', 'Etc/UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata']) {
      process.env.TZ = tz; // Node applies a changed TZ at once
      for (const at of ['2026-11-29T13:03:07.000Z', '2026-07-01T00:00:09.000Z', '1999-12-31T23:59:59.000Z']) {
        assert.equal(formatLocalTime(at), formatLocalTime(at, tz), `${tz} ${at}`);
      }
    }
    process.env.TZ = 'UTC';
    assert.equal(formatLocalTime('2026-01-02T03:04:05Z'), '2026-01-02 03:04:05 UTC');
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

test('config keys come from the settings model; values become patches the shared validation checks', () => {
  assert.deepEqual([...CONFIG_KEYS].sort(), [
    'autoRefresh',
    'loginTimeoutSeconds',
    'notifications.expiring',
    'notifications.failed',
    'notifications.recovered',
    'notifyLeadMinutes',
    'parallelLogins',
    'refreshLeadMinutes',
    'startAtLogin',
    'toolPaths.docker',
    'toolPaths.helm',
    'toolPaths.podman',
  ]);
  assert.equal(isConfigKey('version'), false);
  assert.equal(isConfigKey('registries'), false);
  const s = { ...DEFAULT_SETTINGS, toolPaths: { podman: '/usr/bin/podman' } };
  assert.deepEqual(patchFor(s, 'refreshLeadMinutes', '45'), { refreshLeadMinutes: 45 });
  assert.deepEqual(patchFor(s, 'autoRefresh', 'off'), { autoRefresh: false });
  // '' for a setting with an automatic value: back to automatic; for the others it stays text for the check to refuse.
  assert.deepEqual(patchFor(s, 'parallelLogins', ''), { parallelLogins: null });
  assert.deepEqual(patchFor(s, 'refreshLeadMinutes', ''), { refreshLeadMinutes: '' });
  assert.deepEqual(patchFor(s, 'startAtLogin', 'yes'), { startAtLogin: true });
  assert.deepEqual(patchFor(s, 'notifications.failed', 'false'), { notifications: { failed: false } });
  assert.deepEqual(patchFor(s, 'toolPaths.docker', '/opt/docker'), {
    toolPaths: { podman: '/usr/bin/podman', docker: '/opt/docker' },
  });
  assert.deepEqual(patchFor(s, 'toolPaths.helm', '~/bin/helm'), {
    toolPaths: { podman: '/usr/bin/podman', helm: '~/bin/helm' },
  });
  assert.deepEqual(patchFor(s, 'parallelLogins', '4'), { parallelLogins: 4 });
  for (const [k, v] of [
    ['refreshLeadMinutes', '4.5'],
    ['refreshLeadMinutes', 'ten'],
    ['autoRefresh', 'maybe'],
    ['toolPaths.docker', 'relative/docker'],
  ] as const) {
    assert.equal(validateSettingsPatch(patchFor(s, k, v)).ok, false, `${k}=${v}`);
  }
  assert.equal(readKey(s, 'toolPaths.podman'), '/usr/bin/podman');
  assert.equal(readKey(s, 'notifications.expiring'), true);
  assert.equal(readKey(s, 'refreshLeadMinutes'), 30);
});

test('withoutHost removes the host in every written form and nothing else', () => {
  const host = '111122223333.dkr.ecr.eu-west-1.amazonaws.com';
  const cfg = {
    auths: {
      [host]: { auth: 'a' },
      [`https://${host}/v2/`]: { auth: 'b' },
      [`${host}.evil.example`]: { auth: 'c' },
      'ghcr.io': { auth: 'd' },
    },
    credHelpers: { [host]: 'pass' },
    proxies: { default: {} },
  };
  const { config, removed } = withoutHost(cfg, host);
  assert.deepEqual(removed.sort(), [host, `https://${host}/v2/`].sort());
  assert.deepEqual(config, {
    auths: { [`${host}.evil.example`]: { auth: 'c' }, 'ghcr.io': { auth: 'd' } },
    credHelpers: { [host]: 'pass' },
    proxies: { default: {} },
  });
  assert.deepEqual(withoutHost({ auths: { 'ghcr.io': {} } }, host).removed, []);
});
