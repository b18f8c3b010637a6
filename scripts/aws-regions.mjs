// Extracts the region list from the AWS SDK's own partition data (the partitions table that
// @aws-sdk/core ships for endpoint resolution) into src/core/aws-regions.json, so region
// validation knows every region the installed SDK knows: new regions arrive with SDK updates
// (the build runs this), and nothing is copied by hand. The SDK exports only a lookup function,
// not the table, so the table is read from the package's published file.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'core', 'aws-regions.json');

export function readSdkPartitions() {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('@aws-sdk/core/package.json');
  const { version } = JSON.parse(readFileSync(pkgFile, 'utf8'));
  const file = join(
    dirname(pkgFile),
    'dist-es',
    'submodules',
    'client',
    'util-endpoints',
    'lib',
    'aws',
    'partitions.js',
  );
  const text = readFileSync(file, 'utf8');
  const m = /export const partitionsInfo = ([\s\S]*?);?\s*$/.exec(text);
  if (!m) throw new Error(`${file} no longer has the expected form; update scripts/aws-regions.mjs.`);
  const info = JSON.parse(m[1]);
  return {
    source: `@aws-sdk/core ${version}`,
    partitions: info.partitions.map((p) => ({
      id: p.id,
      regionRegex: p.regionRegex,
      regions: Object.keys(p.regions).filter((r) => !/^aws(-[a-z]+)*-global$/.test(r)),
    })),
  };
}

/** Writes the JSON only when it changed (the build runs this every time). */
export function writeRegions() {
  const json = `${JSON.stringify(readSdkPartitions(), null, 2)}\n`;
  let old = '';
  try {
    old = readFileSync(OUT, 'utf8');
  } catch {
    /* first run */
  }
  if (old !== json) writeFileSync(OUT, json);
  return json;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) writeRegions();
