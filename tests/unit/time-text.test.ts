import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLeft } from '../../src/core/time-text';

test('time left reads the same in the CLI, the tray and notifications, rounded down', () => {
  const S = 1000,
    M = 60 * S,
    H = 60 * M;
  assert.equal(formatLeft(0), 'expired');
  assert.equal(formatLeft(-5 * M), 'expired');
  assert.equal(formatLeft(40 * S + 900), '40 s');
  assert.equal(formatLeft(10 * M), '10 min');
  assert.equal(formatLeft(59 * M + 59 * S), '59 min');
  assert.equal(formatLeft(2 * H), '2 h');
  assert.equal(formatLeft(5 * H + 12 * M + 30 * S), '5 h 12 min');
  assert.equal(formatLeft(12 * H - S), '11 h 59 min');
});
