import type tls from 'node:tls';

/**
 * Server-side TLS session cache for clients that resume by session id rather
 * than by ticket (TLS 1.2 without tickets). Node's OpenSSL keeps no internal
 * server cache, so sessions live here, bounded in count and age; the oldest
 * entry goes first when full (a Map iterates in insertion order).
 */
export class SessionCache {
  private readonly entries = new Map<string, { data: Buffer; expires: number }>();
  private readonly capacity: number;
  private readonly ttl: number;

  constructor(capacity: number, ttlMs: number) {
    this.capacity = capacity;
    this.ttl = ttlMs;
  }

  attach(server: tls.Server): void {
    server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
      this.store(id.toString('hex'), data);
      done();
    });
    server.on('resumeSession', (id: Buffer, done: (error: Error | null, data: Buffer | null) => void) => {
      done(null, this.lookup(id.toString('hex')));
    });
  }

  get size(): number {
    return this.entries.size;
  }

  private store(key: string, data: Buffer): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { data, expires: Date.now() + this.ttl });
  }

  private lookup(key: string): Buffer | null {
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    if (entry.expires < Date.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.data;
  }
}
