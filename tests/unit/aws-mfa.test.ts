import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { KeeperError } from '../../src/core/errors';
import {
  MfaBroker,
  noPrompt,
  normalizeMfaCode,
  serializePrompts,
  terminalMfaPrompt,
  type MfaBrokerRequest,
} from '../../src/core/mfa';

const REQ = { profile: 'dev', mfaSerial: 'arn:aws:iam::111122223333:mfa/me' };

describe('MFA prompts', () => {
  it('normalizes codes: 6 digits, spaces ignored', () => {
    assert.equal(normalizeMfaCode(' 123 456 '), '123456');
    assert.equal(normalizeMfaCode('12345'), null);
    assert.equal(normalizeMfaCode('abcdef'), null);
  });

  it('without a terminal the prompt fails at once with signin-required', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: false });
    await assert.rejects(
      terminalMfaPrompt({ input, output: new PassThrough() })(REQ),
      (e: unknown) =>
        e instanceof KeeperError &&
        e.category === 'signin-required' &&
        /no terminal/.test(e.message) &&
        e.fix.length > 0,
    );
    await assert.rejects(noPrompt(REQ), (e: unknown) => e instanceof KeeperError && e.category === 'signin-required');
  });

  it('the terminal prompt re-asks on malformed input and treats an empty line or Ctrl-D as cancel', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => {
      shown += d.toString();
    });
    const prompt = terminalMfaPrompt({ input, output });
    const p = prompt(REQ);
    const waitFor = async (n: number) => {
      while ((shown.match(/MFA code for/g) ?? []).length < n) await new Promise((r) => setTimeout(r, 5));
    };
    await waitFor(1);
    input.write('12\n');
    await waitFor(2);
    input.write('654 321\n');
    assert.equal(await p, '654321');
    assert.match(shown, /6 digits/);
    const q = prompt(REQ);
    await waitFor(3);
    input.write('\n');
    assert.equal(await q, null);
  });

  it('prompts run one at a time', async () => {
    let active = 0;
    let maxActive = 0;
    const p = serializePrompts(async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 10));
      active -= 1;
      return '111111';
    });
    await Promise.all([p(REQ), p(REQ), p(REQ)]);
    assert.equal(maxActive, 1);
  });

  it('the broker turns a prompt into a request and an answer (for the window)', async () => {
    let n = 0;
    const broker = new MfaBroker({ newId: () => `req-${++n}` });
    await assert.rejects(
      broker.prompt(REQ),
      (e: unknown) => e instanceof KeeperError && e.category === 'signin-required',
      'no window listening',
    );
    const seen: MfaBrokerRequest[] = [];
    broker.on('request', (r) => seen.push(r));
    const p = broker.prompt(REQ);
    assert.deepEqual(seen, [{ requestId: 'req-1', ...REQ }]);
    assert.equal(broker.answer('req-1', 'abc'), false, 'malformed code rejected; the dialog can ask again');
    assert.equal(broker.answer('other', '123456'), false);
    assert.equal(broker.answer('req-1', '123456'), true);
    assert.equal(await p, '123456');
    assert.equal(broker.answer('req-1', '123456'), false, 'answered once');
    const c = broker.prompt(REQ);
    assert.equal(broker.answer('req-2', null), true);
    assert.equal(await c, null);
  });

  it('an unanswered broker request is cancelled after its timeout', async () => {
    const broker = new MfaBroker({ timeoutMs: 20, newId: () => 'req-t' });
    broker.on('request', () => {});
    const ended: unknown[] = [];
    broker.on('ended', (e) => ended.push(e));
    // The broker's timer is unref'd (it must not keep an app alive); keep this test's loop alive.
    const keepAlive = setInterval(() => {}, 1000);
    try {
      assert.equal(await broker.prompt(REQ), null);
    } finally {
      clearInterval(keepAlive);
    }
    assert.deepEqual(broker.waiting(), []);
    assert.deepEqual(ended, [{ requestId: 'req-t', reason: 'timeout' }], 'the window is told, so its dialog closes');
    const q = broker.prompt(REQ);
    broker.cancelAll();
    assert.equal(await q, null);
    assert.deepEqual(ended.at(-1), { requestId: 'req-t', reason: 'cancelled' });
  });
});
