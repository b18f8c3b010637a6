import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyMemory, noticesFor, planNotices, type NoticeFacts, type NoticePrefs } from '../../src/core/notices';
import type { KeeperSnapshot, RegistrySnapshot } from '../../src/core/snapshot';

const NOW = Date.UTC(2026, 10, 27, 12);
const prefs: NoticePrefs = { notifyLeadMs: 15 * 60_000, expiring: true, failed: true, recovered: true };

function reg(over: Partial<RegistrySnapshot> = {}): RegistrySnapshot {
  return {
    id: 'r1',
    name: 'prod',
    kind: 'private',
    host: 'h',
    region: 'us-east-1',
    accountId: null,
    profile: null,
    tool: 'docker',
    enabled: true,
    autoRefresh: true,
    state: 'valid',
    refreshing: false,
    expiresAt: new Date(NOW + 6 * 3600_000).toISOString(),
    lastRefresh: null,
    lastAttempt: null,
    nextRefresh: null,
    error: null,
    storage: 'unknown',
    notices: [],
    ...over,
  };
}
const snap = (regs: RegistrySnapshot[], autoRefresh = true): KeeperSnapshot => ({
  at: new Date(NOW).toISOString(),
  autoRefresh,
  overall: 'ok',
  nextExpiry: null,
  registries: regs,
});
const err = { category: 'login-rejected' as const, message: 'Rejected.', fix: 'Check.' };

test('a failure is announced once per episode, then recovery once', () => {
  let m = emptyMemory();
  let r = planNotices(m, snap([reg({ state: 'error', error: err })]), prefs, NOW);
  assert.deepEqual(
    r.notices.map((n) => n.kind),
    ['failed'],
  );
  assert.match(r.notices[0].body, /Rejected\. Check\./);
  m = r.memory;
  // Retries that fail again, and the refreshing state in between, say nothing.
  for (const s of [reg({ state: 'refreshing', refreshing: true, error: err }), reg({ state: 'error', error: err })]) {
    r = planNotices(m, snap([s]), prefs, NOW);
    assert.equal(r.notices.length, 0);
    m = r.memory;
  }
  r = planNotices(m, snap([reg()]), prefs, NOW);
  assert.deepEqual(
    r.notices.map((n) => n.kind),
    ['recovered'],
  );
  r = planNotices(r.memory, snap([reg()]), prefs, NOW);
  assert.equal(r.notices.length, 0);
});

test('sign-in required is its own kind without a refresh action', () => {
  const r = planNotices(
    emptyMemory(),
    snap([
      reg({
        state: 'signin-required',
        error: { category: 'signin-required', message: 'SSO expired.', fix: 'aws sso login --profile dev' },
      }),
    ]),
    prefs,
    NOW,
  );
  assert.equal(r.notices[0].kind, 'signin-required');
  assert.equal(r.notices[0].refreshAction, false);
});

test('expiring warning only when nothing will refresh in time, once per expiry', () => {
  const soon = new Date(NOW + 10 * 60_000).toISOString();
  // Auto-refresh on and healthy: no warning.
  assert.equal(
    planNotices(emptyMemory(), snap([reg({ expiresAt: soon, state: 'expiring' })]), prefs, NOW).notices.length,
    0,
  );
  // Auto-refresh off globally: warn once.
  let r = planNotices(emptyMemory(), snap([reg({ expiresAt: soon, state: 'expiring' })], false), prefs, NOW);
  assert.deepEqual(
    r.notices.map((n) => n.kind),
    ['expiring'],
  );
  assert.match(r.notices[0].title, /expires in 10 min/);
  r = planNotices(r.memory, snap([reg({ expiresAt: soon, state: 'expiring' })], false), prefs, NOW + 60_000);
  assert.equal(r.notices.length, 0);
  // Per-registry auto-refresh off: warn. Outside the lead: nothing.
  assert.equal(
    planNotices(emptyMemory(), snap([reg({ expiresAt: soon, autoRefresh: false })]), prefs, NOW).notices.length,
    1,
  );
  assert.equal(planNotices(emptyMemory(), snap([reg({ autoRefresh: false })]), prefs, NOW).notices.length, 0);
});

test('each kind can be turned off; disabled and helper-managed registries are quiet', () => {
  const off = { ...prefs, failed: false };
  const r = planNotices(emptyMemory(), snap([reg({ state: 'error', error: err })]), off, NOW);
  assert.equal(r.notices.length, 0);
  // The episode is still remembered so turning it on later does not replay it.
  assert.deepEqual(r.memory.failing, ['r1']);
  assert.equal(
    planNotices(emptyMemory(), snap([reg({ enabled: false, state: 'disabled', error: err })]), prefs, NOW).notices
      .length,
    0,
  );
  assert.equal(planNotices(emptyMemory(), snap([reg({ state: 'helper-managed' })]), prefs, NOW).notices.length, 0);
});

test("card notices: missing first, then the tool's warnings, then what the storage says", () => {
  const facts: NoticeFacts = {
    tool: 'docker',
    host: 'h.example',
    storage: 'store',
    toolWarnings: ['careful'],
    loggedIn: true,
    missing: 'The login for h.example is no longer in config.json.',
  };
  assert.deepEqual(
    noticesFor(facts).map((n) => n.kind),
    ['credential-missing', 'tool-warning'],
  );
  assert.deepEqual(
    noticesFor({ ...facts, missing: undefined, toolWarnings: [], storage: 'plaintext' }).map((n) => n.kind),
    ['plaintext-credentials'],
  );
  assert.match(
    noticesFor({ ...facts, storage: 'ecr-login' }).at(-1)!.message,
    /h\.example is mapped to the ecr-login credential helper/,
  );
  // Never logged in by us: an entry someone else left in plain text is not this card's login.
  assert.deepEqual(
    noticesFor({ ...facts, missing: undefined, toolWarnings: [], storage: 'plaintext', loggedIn: false }),
    [],
  );
});
