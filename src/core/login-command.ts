// The shell pipeline a person would run to do what ECR Keeper does for one registry, for "copy
// login command" on a card. It never contains the password: `get-login-password` prints it into
// the pipe and `--password-stdin` reads it from there.
import { PUBLIC_HOST, PUBLIC_REGION, type LoginTool, type RegistryKind } from './registry';

export interface LoginCommandInput {
  kind: RegistryKind;
  region: string;
  profile: string | null;
  tool: LoginTool;
  host: string | null;
  apiEndpoint?: string | null;
}

/** POSIX shell quoting, only where a word needs it (validated names and hosts rarely do). */
function q(word: string): string {
  return /^[A-Za-z0-9_.:/@+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `aws ecr get-login-password … | docker login …`, or null while the host is not known yet. */
export function loginCommand(r: LoginCommandInput): string | null {
  const host = r.kind === 'public' ? (r.host ?? PUBLIC_HOST) : r.host;
  if (!host) return null;
  const aws = [
    'aws',
    r.kind === 'public' ? 'ecr-public' : 'ecr',
    'get-login-password',
    '--region',
    r.kind === 'public' ? PUBLIC_REGION : r.region,
  ];
  if (r.profile) aws.push('--profile', r.profile);
  if (r.apiEndpoint) aws.push('--endpoint-url', r.apiEndpoint);
  return `${aws.map(q).join(' ')} | ${r.tool} login --username AWS --password-stdin ${q(host)}`;
}
