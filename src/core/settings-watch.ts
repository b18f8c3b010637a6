// Notices when another process (the CLI next to the tray app, or the tray app next to
// `ecr-keeper watch`) changes the settings file, so the running keeper picks up added, edited
// or removed registries without a restart. The folder is watched, not the file: conf writes
// atomically (write a temp file, rename over), which replaces the file a watch would follow.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export function watchSettingsFile(file: string, onChange: () => void, debounceMs = 250): { close(): void } {
  return watchFileInFolder(file, onChange, debounceMs);
}

/**
 * Calls `onChange` (debounced) when `file` is written, replaced, created or removed. Used for our
 * settings and state files and for the credential files the keeper keeps logins in.
 */
export function watchFileInFolder(file: string, onChange: () => void, debounceMs = 250): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  const name = basename(file);
  try {
    watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
      if (changed !== null && changed !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
      timer.unref();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // No watching on this file system: changes from elsewhere show after a restart.
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
