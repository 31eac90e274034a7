import type { CommandSeries } from '../../../metrics/command-metrics.ts';
import type { ClientSession } from '../../../session/client-session.ts';
import { ForwardedRequest } from '../../../session/forwarded-request.ts';
import type { InFlight } from '../../../upstream/in-flight.ts';
import type { ServerMetrics } from '../../../upstream/server-metrics.ts';

/** A request a cluster node may redirect: it keeps the bytes it sent. A fragment of a split command is one too. */
export interface Resendable extends InFlight {
  sent: Buffer | null;
  redirects: number;
}

export function isResendable(request: InFlight): request is Resendable {
  return (request as Partial<Resendable>).sent != null;
}

/** A command to one cluster node, with its own copy of its bytes (the client's were a view of a read buffer that is reused). */
export class ClusterRequest extends ForwardedRequest implements Resendable {
  sent: Buffer | null;
  redirects = 0;

  constructor(session: ClientSession, series: CommandSeries, server: ServerMetrics, bytes: Buffer) {
    super(session, series, server);
    this.sent = Buffer.from(bytes);
  }
}
