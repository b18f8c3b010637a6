// A keeper with stand-ins for the token source and the login runner (named as such), a fake
// clock, and real settings files in a temp folder. For tests of the keeper's own decisions;
// integration tests use the real token source and login runner instead.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { Keeper, type DiskView, type LoginProvider, type TokenProvider } from '../../src/core/keeper';
import { FakeClock } from './fake-clock';
import { openSettings, type StoreOpener } from '../../src/core/settings';
import { KeeperError } from '../../src/core/errors';
import type { PlannedNotice } from '../../src/core/notices';

export const confOpener: StoreOpener = (o) => new Conf(o as ConstructorParameters<typeof Conf>[0]);

export interface StandIns {
  tokenCalls: { region: string; profile?: string }[];
  logins: { host: string; password: string }[];
  /** Next token/login outcomes; when empty, succeed. */
  tokenFailures: KeeperError[];
  loginFailures: KeeperError[];
  lifetimeMs: number;
  storage: DiskView['storage']['storage'];
  /** Hosts whose login the stand-in disk no longer holds (as after `docker logout`). */
  gone: Set<string>;
  /** What the stand-in login tool prints as warnings. */
  loginWarnings: string[];
  /** When set, each login waits for what it returns before it ends (a test paces the ends). */
  loginHold?: (host: string) => Promise<void>;
}

export function makeKeeper(opts: { dir?: string; clock?: FakeClock } = {}) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'ek-keeper-'));
  const clock = opts.clock ?? new FakeClock();
  const s: StandIns = {
    tokenCalls: [],
    logins: [],
    tokenFailures: [],
    loginFailures: [],
    lifetimeMs: 12 * 3600_000,
    storage: 'none',
    loginWarnings: [],
    gone: new Set(),
  };
  const tokens: TokenProvider = {
    async get(req) {
      s.tokenCalls.push({ region: req.region, profile: req.profile });
      await Promise.resolve();
      const f = s.tokenFailures.shift();
      if (f) throw f;
      return {
        username: 'AWS',
        password: 'stand-in-password',
        expiresAt: new Date(clock.now() + s.lifetimeMs),
        proxyEndpoint: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
      };
    },
  };
  const login: LoginProvider = {
    async login(req) {
      s.logins.push({ host: req.host, password: req.password });
      await (s.loginHold?.(req.host) ?? Promise.resolve());
      const f = s.loginFailures.shift();
      if (f) throw f;
      s.gone.delete(req.host);
      return { warnings: s.loginWarnings.slice() };
    },
    inspect(_tool, host) {
      return Promise.resolve({ storage: { storage: s.storage }, present: !s.gone.has(host) });
    },
  };
  const opened = openSettings(confOpener, dir);
  const keeper = new Keeper({
    settings: opened.repo,
    state: opened.state,
    tokens,
    login,
    clock,
    random: () => 0.5,
    warnings: opened.warnings,
  });
  const notices: PlannedNotice[] = [];
  keeper.on('notify', (n) => notices.push(n));
  return { keeper, clock, dir, s, notices, settingsPath: opened.repo.path, statePath: opened.state.path };
}

export const rejected = () =>
  new KeeperError('login-rejected', 'The registry rejected the login.', 'Check the account.');
