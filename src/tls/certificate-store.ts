import tls from 'node:tls';
import type { Logger } from '../log.ts';
import type { Counter, Gauge, Registry } from '../metrics/registry.ts';
import { CertificateError, loadCa, loadPair, type CertificatePair, type PairSpec } from './certificate-pair.ts';
import { FileWatch } from './file-watch.ts';
import { ticketKeys } from './ticket-keys.ts';

/** What every secure context of a listener shares, whichever certificate it carries. */
export interface ContextSettings {
  minVersion: tls.SecureVersion;
  ciphers: string | undefined;
  /** Seconds a TLS session (ticket or cached id) stays resumable. */
  sessionTimeout: number;
  /** Names the listener's sessions, so one listener's sessions never resume on another. */
  sessionIdContext: string;
  clientCa: string | null;
}

/**
 * A listener's certificates: the default pair (index 0) and the SNI pairs,
 * each as a ready secure context. Files are watched; a changed pair is read
 * and checked, and only a good one replaces the old, so new handshakes use the
 * new certificate while open connections keep theirs. A bad one (unreadable,
 * mismatched key, expired) is logged with the reason and the old pair stays.
 * The session-ticket keys every context shares rotate each session timeout.
 */
export class CertificateStore {
  private readonly settings: ContextSettings;
  private readonly log: Logger;
  private readonly reloads: { ok: Counter; rejected: Counter };
  private readonly expiry: Gauge[];
  private pairs: CertificatePair[];
  private contexts: tls.SecureContext[] = [];
  private exact = new Map<string, number>();
  private wildcard = new Map<string, number>();
  private ca: Buffer | null;
  private readonly listener: string;
  private ticketKeys: Buffer;
  private readonly lastProblem = new Map<string, string>();
  private readonly listeners: Array<() => void> = [];
  private watch: FileWatch | null = null;
  private rotation: NodeJS.Timeout | null = null;

  /** Throws CertificateError when a pair cannot be served: the config that names it is refused. */
  constructor(specs: readonly PairSpec[], settings: ContextSettings, log: Logger, registry: Registry, listener: string) {
    this.settings = settings;
    this.log = log;
    this.listener = listener;
    this.ticketKeys = ticketKeys(listener, settings.sessionTimeout);
    this.pairs = specs.map((spec) => loadPair(spec));
    this.ca = settings.clientCa === null ? null : loadCa(settings.clientCa);
    const help = 'Certificate file changes applied (ok) or refused and the previous pair kept (rejected).';
    this.reloads = {
      ok: registry.counter('padda_tls_certificate_reloads_total', help, { listener, result: 'ok' }),
      rejected: registry.counter('padda_tls_certificate_reloads_total', help, { listener, result: 'rejected' }),
    };
    this.expiry = specs.map((spec) => registry.gauge('padda_tls_certificate_expiry_timestamp_seconds', 'When each served certificate expires (Unix time).', { listener, certificate: spec.cert }));
    this.rebuild();
  }

  /** How many certificates: one means SNI has nothing to choose. */
  get size(): number {
    return this.pairs.length;
  }

  /** The context for an SNI name: an exact name, then a `*.` wildcard one label up, else the default. */
  contextFor(servername: string): tls.SecureContext {
    const name = servername.toLowerCase();
    let index = this.exact.get(name);
    if (index === undefined) {
      const dot = name.indexOf('.');
      if (dot > 0) index = this.wildcard.get(name.slice(dot + 1));
    }
    return this.contexts[index ?? 0]!;
  }

  /** Options for tls.Server's own (default) context, used by clients that send no SNI. */
  defaultOptions(): tls.SecureContextOptions {
    return this.contextOptions(this.pairs[0]!);
  }

  /** Called after any change, so the server can switch its default context. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Starts watching the files and rotating the ticket keys. */
  start(): void {
    const files = this.pairs.flatMap((pair) => [pair.spec.cert, pair.spec.key]);
    if (this.settings.clientCa !== null) files.push(this.settings.clientCa);
    this.watch = new FileWatch(files, () => this.reload());
    this.scheduleRotation();
  }

  close(): void {
    this.watch?.close();
    if (this.rotation !== null) clearTimeout(this.rotation);
    this.rotation = null;
  }

  /** Re-reads every file; returns whether anything served changed. */
  reload(): boolean {
    let changed = false;
    this.pairs = this.pairs.map((current) => {
      const next = this.tryLoad(current.spec.cert, () => loadPair(current.spec));
      if (next === null || (next.cert.equals(current.cert) && next.key.equals(current.key))) return current;
      changed = true;
      this.reloads.ok.value++;
      this.log.info({ cert: current.spec.cert, subject: next.subject, notAfter: next.notAfter.toISOString(), fingerprint: next.fingerprint }, 'certificate reloaded');
      return next;
    });
    if (this.settings.clientCa !== null) {
      const ca = this.tryLoad(this.settings.clientCa, () => loadCa(this.settings.clientCa!));
      if (ca !== null && !ca.equals(this.ca!)) {
        changed = true;
        this.ca = ca;
        this.reloads.ok.value++;
        this.log.info({ clientCa: this.settings.clientCa }, 'client CA reloaded');
      }
    }
    if (changed) {
      this.rebuild();
      this.changed();
    }
    return changed;
  }

  describe(): Array<Record<string, unknown>> {
    return this.pairs.map((pair, index) => ({
      cert: pair.spec.cert,
      names: pair.names,
      subject: pair.subject,
      notAfter: pair.notAfter.toISOString(),
      default: index === 0,
    }));
  }

  /**
   * At each period boundary (not a period after our start, so every worker
   * switches together) the keys of the new period replace the old: tickets
   * issued from then on use them; older tickets no longer resume and their
   * clients do one full handshake.
   */
  private scheduleRotation(): void {
    const period = this.settings.sessionTimeout * 1000;
    this.rotation = setTimeout(() => {
      this.ticketKeys = ticketKeys(this.listener, this.settings.sessionTimeout);
      this.rebuild();
      this.changed();
      this.scheduleRotation();
    }, period - (Date.now() % period) + 10);
    this.rotation.unref();
  }

  /** Runs a load, logging a failure once per distinct problem (the poll re-reads unchanged bad files). */
  private tryLoad<T>(file: string, load: () => T): T | null {
    try {
      const loaded = load();
      this.lastProblem.delete(file);
      return loaded;
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error;
      if (this.lastProblem.get(file) !== error.message) {
        this.lastProblem.set(file, error.message);
        this.reloads.rejected.value++;
        this.log.warn({ file, problem: error.message }, 'certificate change rejected; still serving the previous one');
      }
      return null;
    }
  }

  private rebuild(): void {
    this.contexts = this.pairs.map((pair) => tls.createSecureContext(this.contextOptions(pair)));
    this.exact = new Map();
    this.wildcard = new Map();
    // Earlier pairs win a name both list; the default pair is first.
    this.pairs.forEach((pair, index) => {
      for (const name of pair.names) {
        const map = name.startsWith('*.') ? this.wildcard : this.exact;
        const key = name.startsWith('*.') ? name.slice(2) : name;
        if (!map.has(key)) map.set(key, index);
      }
    });
    this.pairs.forEach((pair, index) => this.expiry[index]!.set(pair.notAfter.getTime() / 1000));
  }

  private contextOptions(pair: CertificatePair): tls.SecureContextOptions {
    return {
      cert: pair.cert,
      key: pair.key,
      minVersion: this.settings.minVersion,
      ...(this.settings.ciphers ? { ciphers: this.settings.ciphers } : {}),
      honorCipherOrder: true,
      sessionTimeout: this.settings.sessionTimeout,
      sessionIdContext: this.settings.sessionIdContext,
      // One key set for every context, so a ticket resumes whichever certificate SNI picked.
      ticketKeys: this.ticketKeys,
      ...(this.ca ? { ca: this.ca } : {}),
    };
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
