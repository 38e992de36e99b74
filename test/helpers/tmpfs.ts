import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let mountable: boolean | undefined;

/** Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN, as CI and these machines run). Tried once. */
export function canMount(): boolean {
  if (mountable !== undefined) return mountable;
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    mountable = false;
    return mountable;
  }
  const probe = mkdtempSync(join(tmpdir(), 'od-mount-probe-'));
  try {
    mountable = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
    if (mountable) spawnSync('umount', [probe]);
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
  return mountable;
}

/** Mounts a small tmpfs at `dir`: a real disk that fills up (ENOSPC, SQLITE_FULL) or refuses writes (EROFS). */
export function mountTmpfs(dir: string, options: { sizeKb: number; readOnly?: boolean }): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${options.sizeKb}k${options.readOnly ? ',ro' : ''}`, 'tmpfs', dir]);
}

export function unmount(dir: string): void {
  spawnSync('umount', ['-l', dir]);
}
