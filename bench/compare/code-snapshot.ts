// Side B of a compare: a private copy of the working tree's build. dist/ is
// shared with whatever rebuilds it meanwhile (a test run, an editor's tsc);
// without the copy, B's runs could measure different code in different
// rounds. The CLI imports packages, and finds recorder/ and package.json by
// walking up, so the copy links node_modules and recorder/ and holds
// package.json.

import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export function snapshotBuild(repo: string, dir: string): string {
  const cli = join(repo, 'dist', 'cli', 'memreplay.js');
  if (!existsSync(cli)) throw new Error(`no build of the working tree (${cli} missing): run npm run build`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'dist'), { recursive: true });
  cpSync(join(repo, 'dist', 'src'), join(dir, 'dist', 'src'), { recursive: true });
  cpSync(join(repo, 'dist', 'cli'), join(dir, 'dist', 'cli'), { recursive: true });
  cpSync(join(repo, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  if (existsSync(join(repo, 'recorder'))) symlinkSync(join(repo, 'recorder'), join(dir, 'recorder'), 'dir');
  return dir;
}
