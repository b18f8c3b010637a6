// The settings and state files as the CLI opens them: the few things conf does that we use, in
// conf's file format, so the CLI and the tray app (electron-store, built on conf) share the files.
// Not conf itself: loading its bundle (ajv, ajv-formats, semver and their regular expressions)
// cost every CLI command that opens the keeper ~100 ms of CPU, for a JSON read and an atomic write.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { writeFileSync as atomicWriteFileSync } from 'atomically';
import type { JsonStore, StoreOpener } from './settings';

export const openJsonFile: StoreOpener = (options) => {
  const path = resolve(options.cwd, `${options.configName}.json`);
  const mode = options.configFileMode ?? 0o666;
  const read = (): Record<string, unknown> => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      // As conf: a missing file is an empty store (its folder made, so a write can follow).
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(dirname(path), { recursive: true });
      return {};
    }
    return { ...(JSON.parse(text) as Record<string, unknown>) };
  };
  const write = (value: Record<string, unknown>) => {
    mkdirSync(dirname(path), { recursive: true });
    const data = JSON.stringify(value, undefined, '\t');
    try {
      atomicWriteFileSync(path, data, { mode });
    } catch (err) {
      // conf's fallback: Windows sometimes refuses the rename of an atomic write across "devices".
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      writeFileSync(path, data, { mode });
    }
  };
  // As conf does on opening: defaults missing from the file are written into it.
  const current = read();
  const withDefaults = { ...options.defaults, ...current };
  if (!isDeepStrictEqual(current, withDefaults)) write(withDefaults);
  const store: JsonStore = {
    path,
    // Read at every access, as conf does: another process may have changed the file.
    get store() {
      return read();
    },
    set store(value: Record<string, unknown>) {
      write(value);
    },
  };
  return store;
};
