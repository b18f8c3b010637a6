// "Open in AWS console" for a registry: the repository list of its region (private) or ECR Public.
// Pure, so the URL and its check are unit-tested; the main process opens it in the system browser
// only after `isConsoleUrlFor` agrees, never in the app's window.
import { partitionOf, PUBLIC_REGION, type Partition, type Registry } from './registry';

/** The AWS console's own hosts per partition (isolated partitions have no public console). */
const CONSOLE_HOSTS: Partial<Record<Partition, { base: string; regional: boolean }>> = {
  aws: { base: 'console.aws.amazon.com', regional: true },
  'aws-cn': { base: 'console.amazonaws.cn', regional: false },
  'aws-us-gov': { base: 'console.amazonaws-us-gov.com', regional: false },
};

/** The repository list for the registry's region, or null where the partition has no console we know. */
export function consoleUrl(reg: Pick<Registry, 'kind' | 'region'>): string | null {
  const region = reg.kind === 'public' ? PUBLIC_REGION : reg.region;
  const c = CONSOLE_HOSTS[partitionOf(region)];
  if (!c) return null;
  const host = c.regional ? `${region}.${c.base}` : c.base;
  const path = reg.kind === 'public' ? 'ecr/public-registry/repositories' : 'ecr/private-registry/repositories';
  return `https://${host}/${path}?region=${encodeURIComponent(region)}`;
}

/** True only for an https URL on the console hosts of `region`'s partition (no user info, no port). */
export function isConsoleUrlFor(url: string, region: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const c = CONSOLE_HOSTS[partitionOf(region)];
  if (!c || u.protocol !== 'https:' || u.username || u.password || u.port) return false;
  return u.hostname === c.base || (c.regional && u.hostname === `${region}.${c.base}`);
}
