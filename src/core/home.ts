// The user's home folder, looked up one way everywhere (credential files, AWS files, config and
// autostart folders, tool paths), so every part of ECR Keeper looks in the same place.
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The env's home first, so an injected environment (tests, a CLI run with another HOME) is
 * honoured; then the AWS SDK's order (HOME, USERPROFILE, HOMEDRIVE + HOMEPATH), so AWS files are
 * found where the SDK finds them; the OS's answer last.
 */
export function homeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME || env.USERPROFILE || (env.HOMEPATH ? `${env.HOMEDRIVE ?? 'C:\\'}${env.HOMEPATH}` : homedir());
}

/** `~/x` (or `~\x`) as a path in the home folder, as a shell would expand it; other paths as they are. */
export function expandHome(p: string, env: NodeJS.ProcessEnv = process.env): string {
  return p.startsWith('~/') || p.startsWith('~\\') ? join(homeDir(env), p.slice(2)) : p;
}
