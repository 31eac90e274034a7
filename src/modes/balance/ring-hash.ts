import { buildDistribution, hashFunction, Latin1Hasher, NO_SERVER, type Distribution } from '../../hash/index.ts';
import type { HttpRequest } from '../../http/message.ts';
import type { KeyTemplate } from '../../http/request-key/key-template.ts';
import { authorityAsWritten } from '../../http/upstream/origin-address.ts';
import type { Member, Members } from './members.ts';
import type { Policy } from './policy.ts';

/**
 * Affinity by key on the hash core's consistent-hash ring: the ring nginx
 * builds for `hash $key consistent` (160 points per unit of weight, named by
 * host:port, CRC-32 of the key), so a replica that leaves moves only its own
 * keys to the next point clockwise, and one that joins takes only the keys
 * of its own points; the same replicas and key send a client where nginx
 * would. A request without the key (no such cookie yet), and a retry whose
 * key owner just failed, go to the least busy of two other members.
 * Keys are hashed one at a time in JS: a per-key call into the WASM core
 * costs more than the hash (ARCHITECTURE.md, hot-path rules).
 */
export class RingHash implements Policy {
  private readonly members: Members;
  private readonly key: KeyTemplate;
  private readonly fallback: Policy;
  private readonly hasher = new Latin1Hasher(hashFunction('crc32a'));
  private readonly base: Distribution;
  private ring: Distribution;

  constructor(members: Members, key: KeyTemplate, fallback: Policy) {
    this.members = members;
    this.key = key;
    this.fallback = fallback;
    this.base = buildDistribution('ketama_nginx', members.all.map((m) => ({ name: authorityAsWritten(m.replica.label), weight: m.weight })));
    this.ring = this.base;
  }

  choose(request: HttpRequest, avoid: Member | null): Member | null {
    const members = this.members;
    if (members.refresh()) this.ring = this.base.withLive(members.all.map((m) => m.replica.available));
    const key = this.key(request);
    if (key === null) return this.fallback.choose(request, avoid);
    const owner = this.ring.pick(this.hasher.hash(key));
    if (owner === NO_SERVER) return null;
    const member = members.all[owner]!;
    return member === avoid && members.live.length > 1 ? this.fallback.choose(request, avoid) : member;
  }
}
