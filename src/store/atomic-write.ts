// Files the store writes are never seen half-written: write a temp file in the same directory,
// fsync it, rename it over the target (atomic on POSIX), then fsync the directory so the rename
// survives a crash. A killed writer leaves at most a *.tmp file, which readers never look at.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { killPoint } from './kill-point';

export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', mode);
  killPoint('temp-created', path);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    killPoint('temp-written', path);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  killPoint('temp-synced', path);
  try {
    renameSync(temp, path);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
  killPoint('renamed', path);
  syncDir(dirname(path));
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some file systems refuse fsync on a directory; the rename itself is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
