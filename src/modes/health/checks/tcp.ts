import { formatAddress, type Address } from '../../../net/address.ts';
import { ProbeConnection } from '../../../probe/connection.ts';
import type { Check, CheckDetails } from './check.ts';

/** Passes when the address accepts a connection. */
export class TcpCheck implements Check {
  readonly type = 'tcp';
  readonly target: string;
  private readonly address: Address;

  constructor(config: { address: Address }) {
    this.address = config.address;
    this.target = formatAddress(config.address);
  }

  async run(signal: AbortSignal): Promise<CheckDetails> {
    (await ProbeConnection.open(this.address, signal)).close();
    return {};
  }
}
