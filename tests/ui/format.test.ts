// The window's pure formatters, under plain node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatAgo,
  formatCountdown,
  formatDurationWords,
  formatIn,
  HOUR,
  lifeLeft,
  MINUTE,
  overallView,
  parseMfaCode,
  SECOND,
  storageBadge,
  suggestName,
} from '../../src/renderer/format';
import { movable } from '../../src/renderer/storage-view';
import { prefillFromHost } from '../../src/renderer/form';

test('countdown is hh:mm:ss, floored to the second, and null once expired', () => {
  assert.equal(formatCountdown(12 * HOUR), '12:00:00');
  assert.equal(formatCountdown(12 * HOUR - 1), '11:59:59');
  assert.equal(formatCountdown(61 * SECOND + 999), '00:01:01');
  assert.equal(formatCountdown(999), '00:00:00');
  assert.equal(formatCountdown(0), null);
  assert.equal(formatCountdown(-5), null);
  assert.equal(formatCountdown(Number.NaN), null);
});

test('relative times read naturally', () => {
  const now = Date.UTC(2025, 0, 1, 12);
  assert.equal(formatAgo(now - 10 * SECOND, now), 'just now');
  assert.equal(formatAgo(now - 4 * MINUTE, now), '4 min ago');
  assert.equal(formatAgo(now - 2 * HOUR - 5 * MINUTE, now), '2 h 5 min ago');
  assert.equal(formatAgo(now - 30 * HOUR, now), '30 h ago');
  assert.equal(formatAgo(now - 72 * HOUR, now), '3 days ago');
  assert.equal(formatIn(now + 11 * HOUR + 30 * MINUTE, now), 'in 11 h 30 min');
  assert.equal(formatIn(now + 4 * MINUTE, now), 'in 4 min');
  assert.equal(formatIn(now + 20 * SECOND, now), 'in 20 s');
  assert.equal(formatIn(now - 1, now), 'now');
  assert.equal(formatDurationWords(11 * HOUR + MINUTE), '11 hours 1 minute');
});

test('life bar runs from the last refresh (or 12 h before expiry) to expiry', () => {
  const now = 1_000_000_000_000;
  assert.equal(lifeLeft(now + 12 * HOUR, now, now), 1);
  assert.equal(lifeLeft(now + 6 * HOUR, null, now), 0.5);
  assert.equal(lifeLeft(now + HOUR, now - HOUR, now), 0.5);
  assert.equal(lifeLeft(now - 1, now - HOUR, now), 0);
});

test('overall summary', () => {
  assert.equal(overallView('empty', []).text, 'No registries yet');
  assert.equal(
    overallView('error', [
      { enabled: true, state: 'error' },
      { enabled: true, state: 'expired' },
    ] as never).text,
    '2 registries need attention',
  );
});

test('MFA codes: 6 digits, spaces allowed, nothing else', () => {
  assert.equal(parseMfaCode('123456'), '123456');
  assert.equal(parseMfaCode(' 123 456 '), '123456');
  for (const bad of ['', '12345', '1234567', '12345a', '１２３４５６', '12-456'])
    assert.equal(parseMfaCode(bad), null, bad);
});

test('storage badges and which registries a move would change', () => {
  assert.deepEqual(storageBadge('plaintext', null), { text: 'Plain text', tone: 'warn' });
  assert.deepEqual(storageBadge('helper', 'pass'), { text: 'In pass', tone: 'ok' });
  assert.deepEqual(storageBadge('unknown', null), { text: 'Not known yet', tone: 'muted' });
  const row = (storage: string, helper: string | null, host: string | null = 'h:1') => ({
    name: 'n',
    host,
    tool: 'docker' as const,
    file: 'f',
    storage: storage as never,
    helper,
    description: '',
  });
  assert.equal(movable(row('plaintext', null), 'pass'), true);
  assert.equal(movable(row('none', null), 'pass'), true);
  assert.equal(movable(row('helper', 'secretservice'), 'pass'), true);
  assert.equal(movable(row('helper', 'pass'), 'pass'), false);
  assert.equal(movable(row('store', 'pass'), 'pass'), false);
  assert.equal(movable(row('ecr-login', 'ecr-login'), 'pass'), false);
  assert.equal(movable(row('unknown', null, null), 'pass'), false);
});

test('first-run prefill from a docker config host', () => {
  assert.deepEqual(prefillFromHost('111122223333.dkr.ecr.eu-west-1.amazonaws.com', [], suggestName), {
    kind: 'private',
    region: 'eu-west-1',
    accountId: '111122223333',
    name: '111122223333-eu-west-1',
  });
  assert.equal(prefillFromHost('public.ecr.aws', ['ecr-public'], suggestName).name, 'ecr-public-2');
  assert.equal(
    prefillFromHost('111122223333.dkr-ecr.us-east-1.on.aws', [], suggestName).registryHost,
    '111122223333.dkr-ecr.us-east-1.on.aws',
  );
});
