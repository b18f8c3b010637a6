// `npm run screenshots`: renders the window in Debian's Chromium against the real test stack (ECR
// emulator, loopback docker-registry, real docker CLI) and writes docs/screenshots/*.png.
import { spawnSync } from 'node:child_process';

const r = spawnSync(process.execPath, ['--import', 'tsx', 'tests/ui/screenshots.ts'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
