// The CLI's entry on Node: dist/cli.js, the installed `ecr-keeper` link, the desktop packages'
// launcher (build/cli/). The single-file binary has its own entry (standalone.ts).
import * as nodeModule from 'node:module';
import { runCommandLine } from './main';

// Node keeps the compiled code of the chunks the command loads (settings, the AWS SDK) on disk
// and reuses it on the next start (Node >= 22.1; a no-op where it is missing or disabled with
// NODE_DISABLE_COMPILE_CACHE=1). Measured in docs/PERFORMANCE.md.
nodeModule.enableCompileCache?.();
runCommandLine();
