// Notifications: planner output -> Electron Notification, with a stand-in Notification class.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { PlannedNotice } from '../../src/core/notices';
import { createNotifier, notificationOptions, PREF_OF_KIND, REFRESH_ACTION_TEXT } from '../../src/electron/notifier';
import { makeKeeper } from '../helpers/keeper-harness';

class StandInNotification extends EventEmitter {
  static made: StandInNotification[] = [];
  static supported = true;
  static isSupported() {
    return StandInNotification.supported;
  }
  shown = false;
  constructor(public options: Electron.NotificationConstructorOptions) {
    super();
    StandInNotification.made.push(this);
  }
  show() {
    this.shown = true;
  }
}

const notice = (over: Partial<PlannedNotice> = {}): PlannedNotice => ({
  kind: 'failed',
  registryId: 'r1',
  title: 'prod: refresh failed',
  body: 'Rejected. Check the account.',
  refreshAction: true,
  ...over,
});
const ALL_ON = { expiring: true, failed: true, recovered: true };

function notifier(platform: NodeJS.Platform, prefs = ALL_ON) {
  const calls: string[] = [];
  const n = createNotifier({
    Notification: StandInNotification as never,
    platform,
    prefs: () => prefs,
    focusRegistry: (id) => calls.push(`focus ${id}`),
    refresh: (id) => calls.push(`refresh ${id}`),
  });
  return { n, calls };
}

describe('notificationOptions', () => {
  it('maps title and body; a Refresh now button only where actions exist', () => {
    const mac = notificationOptions(notice(), 'darwin');
    assert.equal(mac.title, 'prod: refresh failed');
    assert.equal(mac.body, 'Rejected. Check the account.');
    assert.deepEqual(mac.actions, [{ type: 'button', text: REFRESH_ACTION_TEXT }]);
    assert.deepEqual(notificationOptions(notice(), 'win32').actions, [{ type: 'button', text: 'Refresh now' }]);
    assert.equal(notificationOptions(notice(), 'linux').actions, undefined, 'Linux: click opens the window instead');
    assert.equal(
      notificationOptions(notice({ refreshAction: false, kind: 'signin-required' }), 'darwin').actions,
      undefined,
    );
  });

  it('per kind: failures are urgent on Linux, recovery is silent', () => {
    assert.equal(notificationOptions(notice(), 'linux').urgency, 'critical');
    assert.equal(notificationOptions(notice({ kind: 'signin-required' }), 'linux').urgency, 'critical');
    assert.equal(notificationOptions(notice({ kind: 'expiring' }), 'linux').urgency, 'normal');
    assert.equal(notificationOptions(notice({ kind: 'recovered', refreshAction: false }), 'darwin').silent, true);
    assert.equal(notificationOptions(notice(), 'darwin').silent, false);
    assert.equal(notificationOptions(notice(), 'darwin', '/icon.png').icon, undefined, 'macOS uses the app icon');
    assert.equal(notificationOptions(notice(), 'linux', '/icon.png').icon, '/icon.png');
  });

  it('each kind has a settings switch', () => {
    assert.deepEqual(PREF_OF_KIND, {
      expiring: 'expiring',
      failed: 'failed',
      'signin-required': 'failed',
      recovered: 'recovered',
    });
  });
});

describe('createNotifier (stand-in Notification)', () => {
  it('shows it; click focuses the registry, the action refreshes it', () => {
    const { n, calls } = notifier('darwin');
    assert.equal(n.show(notice()), true);
    const shown = StandInNotification.made.at(-1)!;
    assert.equal(shown.shown, true);
    shown.emit('click', {});
    shown.emit('action', { actionIndex: 0 }, 0);
    assert.deepEqual(calls, ['focus r1', 'refresh r1']);
  });

  it('a kind switched off in settings is not shown', () => {
    const { n } = notifier('linux', { expiring: false, failed: true, recovered: false });
    const before = StandInNotification.made.length;
    assert.equal(n.show(notice({ kind: 'expiring' })), false);
    assert.equal(n.show(notice({ kind: 'recovered' })), false);
    assert.equal(StandInNotification.made.length, before);
    assert.equal(n.show(notice({ kind: 'signin-required' })), true);
  });

  it('nothing when the platform has no notification service', () => {
    StandInNotification.supported = false;
    try {
      assert.equal(notifier('linux').n.show(notice()), false);
    } finally {
      StandInNotification.supported = true;
    }
  });

  it('end to end from a real keeper: a failed refresh raises one notice, clicking opens that registry', async () => {
    const { keeper, s } = makeKeeper();
    const { n, calls } = notifier('win32');
    keeper.on('notify', (x) => n.show(x));
    const reg = keeper.addRegistry({ name: 'prod', region: 'us-east-1', accountId: '123456789012' });
    const { rejected } = await import('../helpers/keeper-harness');
    s.loginFailures.push(rejected());
    const before = StandInNotification.made.length;
    await keeper.refresh(reg.id);
    const made = StandInNotification.made.slice(before);
    assert.equal(made.length, 1);
    assert.match(String(made[0].options.title), /prod: refresh failed/);
    made[0].emit('click', {});
    assert.deepEqual(calls, [`focus ${reg.id}`]);
    await keeper.stop();
  });
});
