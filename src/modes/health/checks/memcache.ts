import { randomBytes } from 'node:crypto';
import { formatAddress, type Address } from '../../../net/address.ts';
import { ProbeConnection } from '../../../probe/connection.ts';
import { memcacheGet, memcacheLine, memcacheSet } from '../../../probe/memcache.ts';
import { CheckFailure, type Check, type CheckDetails } from './check.ts';

/** Seconds the round trip's key lives if its delete never arrives. */
const ROUND_TRIP_TTL = 10;

/** `version` on a fresh connection; with `round_trip`, a set, get and delete of a key of its own. */
export class MemcacheCheck implements Check {
  readonly type = 'memcache';
  readonly target: string;
  private readonly address: Address;
  private readonly roundTrip: boolean;

  constructor(config: { address: Address; round_trip: boolean }) {
    this.address = config.address;
    this.roundTrip = config.round_trip;
    this.target = formatAddress(config.address);
  }

  async run(signal: AbortSignal): Promise<CheckDetails> {
    const connection = await ProbeConnection.open(this.address, signal);
    try {
      const version = await memcacheLine(connection, 'version');
      if (!version.startsWith('VERSION ')) throw new CheckFailure(`version answered ${JSON.stringify(version)}`);
      const details: CheckDetails = { version: version.slice('VERSION '.length) };
      if (!this.roundTrip) return details;
      const key = `padda:health:${randomBytes(8).toString('hex')}`;
      const value = randomBytes(8).toString('hex');
      await memcacheSet(connection, key, value, ROUND_TRIP_TTL);
      const read = await memcacheGet(connection, key);
      if (read !== value) throw new CheckFailure(read === null ? `${key} was stored but get missed it` : `${key} read back different bytes`, details);
      await memcacheLine(connection, `delete ${key}`);
      return details;
    } finally {
      connection.close();
    }
  }
}
