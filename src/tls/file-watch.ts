import fs from 'node:fs';
import path from 'node:path';

const SETTLE_MS = 200;
/** Watch events can be missed (network and overlay filesystems); a slow poll catches up. */
const POLL_MS = 60_000;

/**
 * Calls `onChange` when anything in the directories holding `files` may have
 * changed. It watches directories, not files: Kubernetes updates a Secret
 * volume by swapping a `..data` symlink, and editors replace files by rename;
 * both leave a watch on the old inode silent. Events settle for a moment so a
 * cert and key written one after the other are read together. The callback
 * decides itself whether the content really changed.
 */
export class FileWatch {
  private readonly watchers: fs.FSWatcher[] = [];
  private readonly poll: NodeJS.Timeout;
  private timer: NodeJS.Timeout | null = null;

  constructor(files: readonly string[], onChange: () => void) {
    const fire = () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(onChange, SETTLE_MS);
      this.timer.unref();
    };
    for (const dir of new Set(files.map((file) => path.dirname(path.resolve(file))))) {
      try {
        const watcher = fs.watch(dir, { persistent: false }, fire);
        watcher.on('error', () => watcher.close());
        this.watchers.push(watcher);
      } catch {
        // A directory that cannot be watched is still polled.
      }
    }
    this.poll = setInterval(fire, POLL_MS);
    this.poll.unref();
  }

  close(): void {
    for (const watcher of this.watchers) watcher.close();
    clearInterval(this.poll);
    if (this.timer) clearTimeout(this.timer);
  }
}
