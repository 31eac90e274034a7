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
  /** The content last seen, kept whole: a config is small, and comparing bytes needs no hashing code loaded. */
  private content: Buffer | null;

  constructor(file: string, onChange: () => void) {
    this.file = file;
    this.onChange = onChange;
    this.content = this.read();
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
    this.content = this.read();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearTimeout(this.timer);
  }

  private changed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const content = this.read();
      if (content === null || (this.content !== null && content.equals(this.content))) return;
      this.content = content;
      this.onChange();
    }, SETTLE_MS);
  }

  private read(): Buffer | null {
    try {
      return fs.readFileSync(this.file);
    } catch {
      return null;
    }
  }
}
