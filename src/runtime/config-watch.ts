import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const SETTLE_MS = 200;

/**
 * Calls `onChange` when the config file's content changes. It watches the
 * directory, not the file, because editors replace files by rename and
 * Kubernetes updates a ConfigMap volume by swapping a symlink; both leave a
 * watch on the old inode silent. Events settle for a moment, and only a
 * content change counts, so a touch or a burst of writes reloads once.
 */
export class ConfigWatch {
  private readonly file: string;
  private readonly onChange: () => void;
  private watcher: fs.FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private digest: string;

  constructor(file: string, onChange: () => void) {
    this.file = file;
    this.onChange = onChange;
    this.digest = this.read();
  }

  start(): void {
    try {
      this.watcher = fs.watch(path.dirname(path.resolve(this.file)), { persistent: false }, () => this.changed());
      this.watcher.on('error', () => this.stop());
    } catch {
      // Watching is a convenience; SIGHUP still reloads.
    }
  }

  /** Called after a reload the daemon did for another reason (SIGHUP), so the same content is not reloaded twice. */
  remember(): void {
    this.digest = this.read();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearTimeout(this.timer);
  }

  private changed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const digest = this.read();
      if (digest === this.digest || digest === '') return;
      this.digest = digest;
      this.onChange();
    }, SETTLE_MS);
  }

  private read(): string {
    try {
      return createHash('sha256').update(fs.readFileSync(this.file)).digest('hex');
    } catch {
      return '';
    }
  }
}
