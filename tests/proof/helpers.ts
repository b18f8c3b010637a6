// Shared pieces of the proof suite: a keeper assembled from the real parts (real AWS SDK against
// the ECR emulator, real docker/podman against loopback registries) with the test's clock and a
// short API timeout, plus small waiting and file helpers.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createKeeper, type Engine } from '../../src/core/engine';
import type { Keeper } from '../../src/core/keeper';
import { confOpener } from '../helpers/keeper-harness';
import type { Clock } from '../../src/core/scheduler';
import type { LoginTool } from '../../src/core/registry';
import { FAKE_ACCOUNT, type Stack } from '../fixtures/stack';

export { confOpener } from '../helpers/keeper-harness';

export type RealKeeper = Engine;

/** The product's own wiring (src/core/engine.ts) with the knobs a test needs: clock, API timeout. */
export function realKeeper(
  stack: Stack,
  opts: { configDir?: string; clock?: Clock; requestTimeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): RealKeeper {
  return createKeeper({
    configDir: opts.configDir ?? stack.configDir,
    openStore: confOpener,
    env: opts.env ?? stack.env,
    clock: opts.clock,
    requestTimeoutMs: opts.requestTimeoutMs,
  });
}

/** Registry input for a loopback registry behind the stack's emulator. */
export function registryInput(stack: Stack, name: string, host: string, tool: LoginTool = 'docker') {
  return { name, region: 'us-east-1', accountId: FAKE_ACCOUNT, registryHost: host, apiEndpoint: stack.emu.url, tool };
}

/** Every host the stack serves: 127.0.0.1:PORT and localhost:PORT for each registry server. */
export function hostsOf(stack: Stack): string[] {
  return stack.registries.flatMap((r) => [r.host, `localhost:${r.port}`]);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor(what: string, pred: () => boolean, timeoutMs = 30_000, stepMs = 25): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(stepMs);
  }
}

/** Waits (in real time) until no registry of the keeper has a refresh in flight. */
export async function waitIdle(keeper: Keeper, timeoutMs = 30_000): Promise<void> {
  await sleep(0);
  await waitFor('refreshes to finish', () => keeper.snapshot().registries.every((r) => !r.refreshing), timeoutMs);
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Every file below dir (recursively), as path -> text. */
export function filesBelow(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.set(p, readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** The forms a password can take on disk or in headers: as is, base64, and base64 of AWS:password. */
export function secretForms(password: string): string[] {
  return [password, Buffer.from(password).toString('base64'), Buffer.from(`AWS:${password}`).toString('base64')];
}

export function leaks(text: string, password: string): string[] {
  return secretForms(password).filter((f) => text.includes(f));
}
