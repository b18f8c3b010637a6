// Proof: the shared validation (validateRegistryInput) and the IPC argument checks
// (dispatch(createHandlers(...))) reject thousands of malformed inputs cleanly: an `invalid-input`
// result every time, nothing thrown past them, Object.prototype untouched, the settings file
// byte-identical and no registry added. Inputs come from a seeded generator (set FUZZ_SEED to
// replay a run; FUZZ_N to run more).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateRegistryInput } from '../../src/core/registry';
import { createHandlers, dispatch, ARITY, type HandlerServices } from '../../src/electron/handlers';
import type { Handlers, InvokeChannel } from '../../src/electron/contract';
import { makeKeeper } from '../helpers/keeper-harness';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed) >>> 0;
const N = Number(process.env.FUZZ_N ?? 3000);

/** mulberry32: small, seeded, good enough to pick cases. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

// Strings no field accepts: shell metacharacters, traversal, control characters, flags, huge.
const BAD_STRINGS: readonly string[] = [
  '; rm -rf / #',
  '$(touch /tmp/ek-pwned)',
  '`id`',
  'a|b',
  'a && b',
  'x > /etc/passwd',
  'a\nb',
  'a\rb',
  'nul\u0000byte',
  '../../../../etc/passwd',
  '..\\..\\windows\\system32',
  '/etc/shadow',
  '~/.ssh/id_rsa',
  '-h',
  '--password=hunter2',
  '--config /tmp/x',
  ' leading space',
  'trailing space ',
  'tab\there',
  'ünïcødé',
  '\u202etxt.exe',
  '😀',
  '%00',
  '%2e%2e%2f',
  "' OR 1=1 --",
  '"quoted"',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'A'.repeat(100_000),
  'x'.repeat(1_000_001),
  '.',
  '..',
];
const WRONG_TYPES: readonly unknown[] = [
  0,
  -1,
  1.5,
  NaN,
  Infinity,
  -Infinity,
  2 ** 53,
  true,
  false,
  [],
  [[]],
  [[[['deep']]]],
  ['docker'],
  {},
  { a: 1 },
  new Date(0),
  /regex/,
  Symbol.for('s'),
  10n,
  () => 'fn',
  new Map([['a', 1]]),
  new Set([1]),
  new Uint8Array(4),
  Object.create(null),
  JSON.parse('{"__proto__":{"polluted":true}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
];
const POLLUTING_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  'hasOwnProperty',
  'toString',
  'valueOf',
];

const STRING_FIELDS = [
  'name',
  'kind',
  'region',
  'accountId',
  'profile',
  'tool',
  'registryHost',
  'apiEndpoint',
] as const;
const BOOL_FIELDS = ['enabled', 'autoRefresh'] as const;
const BAD_FOR: Record<string, readonly unknown[]> = {
  kind: ['Private', 'PUBLIC', 'privat', 'both', 'public ', ...BAD_STRINGS],
  region: ['us-east', 'US-EAST-1', 'mars-1', 'us-east-1a', 'us-east-1;id', ...BAD_STRINGS],
  accountId: ['12345', '1234567890123', '12345678901a', '-12345678901', ...BAD_STRINGS],
  tool: ['Docker', 'nerdctl', 'docker.exe', '/usr/bin/docker', 'podman;id', ...BAD_STRINGS],
  registryHost: [
    'https://x.example',
    'host/path',
    'host:99999',
    'host:0',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example',
    'a b',
    ...BAD_STRINGS,
  ],
  apiEndpoint: [
    'ftp://example.com',
    'http://example.com',
    'https://user:pw@example.com',
    'https://example.com/?q=1',
    'https://example.com/#f',
    'https://ex$ample.com',
    ...BAD_STRINGS,
  ],
  name: ['-leading-dash', '.hidden', 'has space', 'a/b', 'x'.repeat(64), ...BAD_STRINGS],
  profile: ['-dash', 'has space', 'a/b', 'a;b', 'x'.repeat(129), ...BAD_STRINGS],
};

function validBase(): Record<string, unknown> {
  return {
    name: `ok${Math.floor(rand() * 1e6)}`,
    region: 'us-east-1',
    accountId: '123456789012',
    tool: pick(['docker', 'podman']),
    kind: 'private',
    enabled: true,
    autoRefresh: true,
  };
}

/** A registry input that is certainly malformed: a valid base with at least one defect. */
function badRegistryInput(forUpdate = false): unknown {
  const r = rand();
  if (r < 0.1) {
    // An empty object is a valid edit (nothing changes); it is malformed only as a new registry.
    const wrong = forUpdate
      ? WRONG_TYPES.filter(
          (v) =>
            !(
              typeof v === 'object' &&
              v !== null &&
              Object.getPrototypeOf(v) === Object.prototype &&
              Object.keys(v).length === 0
            ),
        )
      : WRONG_TYPES;
    return pick([...wrong, ...BAD_STRINGS, null, undefined, [validBase()], [[validBase()]]]);
  }
  if (r < 0.25) {
    // Prototype-pollution and unknown keys as OWN keys (JSON.parse), next to valid fields.
    const key = pick(POLLUTING_KEYS);
    const text = JSON.stringify(validBase()).replace(
      /^\{/,
      `{${JSON.stringify(key)}:{"polluted":true,"isAdmin":true},`,
    );
    return JSON.parse(text);
  }
  const o = validBase();
  const defects = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < defects; i++) {
    const d = rand();
    if (d < 0.45) {
      const f = pick(STRING_FIELDS);
      o[f] = pick([...BAD_FOR[f], ...WRONG_TYPES.filter((v) => v !== null)]);
    } else if (d < 0.65) {
      o[pick(BOOL_FIELDS)] = pick(['true', 'false', 0, 1, NaN, [], {}, 'yes', [true]]);
    } else if (d < 0.8) {
      o[pick(['id', 'password', 'token', 'extra', 'registries', 'toolPaths', ...BAD_STRINGS.slice(0, 8)])] = pick([
        ...BAD_STRINGS,
        ...WRONG_TYPES,
      ]);
    } else if (d < 0.9 && !forUpdate) {
      delete o.name; // the one required field everywhere
      if (rand() < 0.5) delete o.region;
      o.kind = 'private';
    } else if (d < 0.9) {
      o.name = pick(BAD_FOR.name);
    } else {
      o.kind = 'public'; // public with an account id or another region is contradictory
      o.region = pick(['eu-west-1', 'us-west-2']);
    }
  }
  return o;
}

function badSettingsPatch(): unknown {
  const r = rand();
  if (r < 0.15)
    return pick([
      ...WRONG_TYPES.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
      ...BAD_STRINGS,
      null,
      [{}],
    ]);
  if (r < 0.3) return JSON.parse(`{${JSON.stringify(pick(POLLUTING_KEYS))}:{"autoRefresh":false}}`);
  const p: Record<string, unknown> = {};
  const k = pick([
    'autoRefresh',
    'startAtLogin',
    'refreshLeadMinutes',
    'notifyLeadMinutes',
    'loginTimeoutSeconds',
    'notifications',
    'toolPaths',
    'registries',
    'version',
    'bogus',
  ]);
  switch (k) {
    case 'autoRefresh':
    case 'startAtLogin':
      p[k] = pick(['true', 0, 1, NaN, null, [], {}]);
      break;
    case 'refreshLeadMinutes':
    case 'notifyLeadMinutes':
    case 'loginTimeoutSeconds':
      p[k] = pick([0, -5, 361, 100_000, 1.5, NaN, Infinity, -Infinity, '30', null, [30], { v: 30 }, 2 ** 60]);
      break;
    case 'notifications':
      p[k] = pick([
        JSON.parse('{"__proto__":{"expiring":true}}'),
        JSON.parse('{"constructor":true}'),
        { expiring: 'yes' },
        { shell: true },
        [],
        'on',
        null,
      ]);
      break;
    case 'toolPaths':
      p[k] = pick([
        { docker: 'docker' },
        { docker: '../bin/docker' },
        { docker: '/usr/bin/docker\n--evil' },
        { docker: `/${'a'.repeat(2000)}` },
        { kubectl: '/usr/bin/kubectl' },
        JSON.parse('{"__proto__":{"docker":"/tmp/evil"}}'),
        { docker: 42 },
        { podman: ['/usr/bin/podman'] },
        'docker',
        [],
        null,
      ]);
      break;
    default:
      p[k] = pick([[], 99, 'x', {}]);
  }
  // Sometimes a valid change rides along: the whole patch must still be refused.
  if (k !== 'autoRefresh' && rand() < 0.3) p.autoRefresh = false;
  return p;
}

// Strings like '.', '..' or '-h' are well-formed ids (ids are never paths or arguments): not malformed, so not used here.
const ID_RE = /^[A-Za-z0-9._-]{1,100}$/;
const ids = () =>
  pick([
    ...BAD_STRINGS.filter((x) => !ID_RE.test(x)),
    ...WRONG_TYPES,
    '',
    'a'.repeat(101),
    'id with space',
    '../x',
    null,
    undefined,
  ]);

/** [channel, args]: each certainly malformed for that channel. */
function badCall(existingId: string): [unknown, unknown] {
  const r = rand();
  if (r < 0.08)
    return [
      pick([
        '',
        'registry:delete',
        'settings:set',
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'snapshot:get ',
        'SNAPSHOT:GET',
        ...BAD_STRINGS.slice(0, 10),
        42,
        null,
        undefined,
        {},
        ['snapshot:get'],
      ]),
      [],
    ];
  const ch = pick(Object.keys(ARITY)) as InvokeChannel;
  const n = ARITY[ch];
  if (r < 0.16) return [ch, pick([null, undefined, 'a', 1, {}, { length: n }, JSON.parse('{"__proto__":[]}')])];
  if (r < 0.3) {
    // Wrong number of arguments: one more, or one fewer.
    const args = Array.from({ length: n + (n > 0 && rand() < 0.5 ? -1 : 1) }, () => pick(['x', 1, null, {}]));
    return [ch, args];
  }
  switch (ch) {
    case 'registry:refresh':
    case 'registry:remove':
    case 'registry:openConsole':
      return [ch, [ids()]];
    case 'registry:refreshMany':
      return [ch, [pick([...WRONG_TYPES.filter((v) => !Array.isArray(v)), [], [ids()], Array(1001).fill(existingId)])]];
    // Any short text is fine to copy; malformed is anything else.
    case 'clipboard:write':
      return [ch, [pick([...WRONG_TYPES, '', 'x'.repeat(10_001)])]];
    case 'registry:add':
      return [ch, [badRegistryInput()]];
    case 'registry:update':
      return rand() < 0.5 ? [ch, [ids(), validBase()]] : [ch, [existingId, badRegistryInput(true)]];
    case 'settings:update':
      return [ch, [badSettingsPatch()]];
    case 'aws:detectAccount':
      return rand() < 0.5
        ? [ch, [pick([...BAD_STRINGS, 1, {}, [], true]), 'us-east-1']]
        : [ch, [null, pick([...BAD_FOR.region, 1, null, {}])]];
    case 'mfa:answer':
      return rand() < 0.5
        ? [ch, [ids(), '123456']]
        : [ch, ['req1', pick(['12345', '1234567', 'abcdef', '123 456', 123456, NaN, [], {}, ...BAD_STRINGS])]];
    case 'signin:start':
      return [ch, [pick([...BAD_STRINGS, ...WRONG_TYPES, '', null])]];
    default:
      // Read-only channels take no arguments: give them one.
      return [ch, [pick([...BAD_STRINGS, ...WRONG_TYPES])]];
  }
}

function protoSnapshot(): string {
  return JSON.stringify([
    Object.getOwnPropertyNames(Object.prototype).sort(),
    Object.getOwnPropertyNames(Array.prototype).sort(),
    Object.getOwnPropertyNames(Function.prototype).sort(),
  ]);
}

function assertUnpolluted(before: string): void {
  assert.equal(protoSnapshot(), before, 'Object/Array/Function prototypes changed');
  const probe: Record<string, unknown> = {};
  for (const k of ['polluted', 'isAdmin', 'docker', 'expiring', 'autoRefresh'])
    assert.equal(probe[k], undefined, `Object.prototype.${k} was set`);
}

describe(`fuzz (seed ${SEED}, ${N} cases each)`, () => {
  const protoBefore = protoSnapshot();

  it('validateRegistryInput rejects every malformed input, never throws, keeps messages short', () => {
    const existing = [
      {
        id: 'r1',
        name: 'taken',
        kind: 'private' as const,
        region: 'us-east-1',
        tool: 'docker' as const,
        enabled: true,
        autoRefresh: true,
      },
    ];
    let errorsSeen = 0;
    for (let i = 0; i < N; i++) {
      const input = badRegistryInput();
      let v: ReturnType<typeof validateRegistryInput>;
      try {
        v = validateRegistryInput(input, { existing });
      } catch (err) {
        assert.fail(`case ${i} threw ${(err as Error).message}: ${show(input)}`);
      }
      assert.equal(v.ok, false, `case ${i} accepted: ${show(input)}`);
      if (!v.ok) {
        assert.ok(v.errors.length > 0);
        for (const e of v.errors) {
          errorsSeen++;
          assert.equal(typeof e.message, 'string');
          assert.ok(e.message.length < 600, `case ${i}: a ${e.message.length}-char message echoes the input`);
        }
      }
    }
    assert.ok(errorsSeen >= N);
    assertUnpolluted(protoBefore);
  });

  describe('dispatch(createHandlers(...)) with malformed calls', () => {
    let h: ReturnType<typeof makeKeeper>;
    let handlers: Handlers;
    let existingId: string;
    const serviceCalls: string[] = [];
    before(() => {
      h = makeKeeper({ dir: mkdtempSync(join(tmpdir(), 'ek-fuzz-')) });
      existingId = h.keeper.addRegistry({ name: 'prod', region: 'us-east-1', accountId: '123456789012' }).id;
      // Services that record being reached: malformed input must never get this far.
      const services = {
        configDir: h.dir,
        env: {},
        listProfiles: () => [],
        detectAccount: (p: unknown, r: unknown) => {
          serviceCalls.push(`detectAccount ${String(p)} ${String(r)}`);
          return Promise.resolve('123456789012');
        },
        answerMfa: (id: unknown, c: unknown) => {
          serviceCalls.push(`answerMfa ${String(id)} ${String(c)}`);
          return false;
        },
        signIn: (p: unknown) => {
          serviceCalls.push(`signIn ${String(p)}`);
          return Promise.resolve(false);
        },
      } as unknown as HandlerServices;
      handlers = createHandlers(h.keeper, services);
    });
    after(async () => {
      await h.keeper.stop();
      rmSync(h.dir, { recursive: true, force: true });
    });

    it('every one is refused with invalid-input; nothing thrown, nothing written, nothing reached', async () => {
      const settingsBefore = readFileSync(h.settingsPath, 'utf8');
      const registriesBefore = JSON.stringify(h.keeper.registries());
      const settingsObjBefore = JSON.stringify(h.keeper.settings());
      const byChannel = new Map<string, number>();
      for (let i = 0; i < N; i++) {
        const [channel, args] = badCall(existingId);
        let res: Awaited<ReturnType<typeof dispatch>>;
        try {
          res = await dispatch(handlers, channel, args);
        } catch (err) {
          assert.fail(`case ${i} threw past dispatch: ${(err as Error).message}: ${show(channel)} ${show(args)}`);
        }
        assert.ok('error' in res, `case ${i} accepted: ${show(channel)} ${show(args)} -> ${show(res)}`);
        if ('error' in res) {
          assert.equal(
            res.error.category,
            'invalid-input',
            `case ${i}: ${show(channel)} ${show(args)} -> ${res.error.category}: ${res.error.message}`,
          );
          assert.ok(res.error.message.length < 2000, `case ${i}: message of ${res.error.message.length} chars`);
          // What goes back over IPC must survive structured cloning (no functions, no class instances).
          structuredClone(res);
        }
        const key = typeof channel === 'string' && channel in ARITY ? channel : '(unknown)';
        byChannel.set(key, (byChannel.get(key) ?? 0) + 1);
      }
      assert.equal(readFileSync(h.settingsPath, 'utf8'), settingsBefore, 'settings file byte-identical');
      assert.equal(JSON.stringify(h.keeper.registries()), registriesBefore);
      assert.equal(JSON.stringify(h.keeper.settings()), settingsObjBefore);
      assert.deepEqual(serviceCalls, [], 'no malformed call reached a service');
      assert.equal(h.s.tokenCalls.length + h.s.logins.length, 0, 'no malformed call started a refresh');
      assertUnpolluted(protoBefore);
      // Every channel was exercised.
      for (const ch of Object.keys(ARITY)) assert.ok((byChannel.get(ch) ?? 0) > 0, `channel ${ch} not fuzzed`);
    });

    it('the same checks still accept well-formed calls (the fuzz is not vacuous)', async () => {
      const ok = await dispatch(handlers, 'registry:add', [{ name: 'fine', region: 'eu-west-1' }]);
      assert.ok('result' in ok, JSON.stringify(ok));
      const upd = await dispatch(handlers, 'settings:update', [{ refreshLeadMinutes: 45 }]);
      assert.ok('result' in upd, JSON.stringify(upd));
      assert.ok('result' in (await dispatch(handlers, 'aws:detectAccount', [null, 'us-east-1'])));
      assertUnpolluted(protoBefore);
    });
  });
});

function show(v: unknown): string {
  try {
    const s =
      typeof v === 'string'
        ? JSON.stringify(v)
        : typeof v === 'bigint'
          ? `${v}n`
          : typeof v === 'function' || typeof v === 'symbol'
            ? String(v)
            : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : Number.isNaN(x) ? 'NaN' : x));
    return (s ?? String(v)).slice(0, 300);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
