import type { Failure } from '../../http/errors.ts';
import type { TargetPicker } from '../../http/forward/target-picker.ts';
import type { HttpRequest } from '../../http/message.ts';
import type { Origin } from '../../http/upstream/origin.ts';
import type { Member } from './members.ts';
import type { Policy } from './policy.ts';

/**
 * The balancer's TargetPicker: its policy chooses a member, counted in
 * flight on the replica until the attempt ends, when the replica's passive
 * health judges the outcome. A retry asks the policy again, avoiding the
 * member that failed. `request.route` holds the member of the attempt.
 */
export class BalancePicker implements TargetPicker {
  private readonly policy: Policy;

  constructor(policy: Policy) {
    this.policy = policy;
  }

  pick(request: HttpRequest, attempt: number): Origin | null {
    const member = this.policy.choose(request, attempt > 0 ? (request.route as Member | null) : null);
    if (member === null) return null;
    member.replica.inFlight++;
    request.route = member;
    return member.replica.origin;
  }

  release(request: HttpRequest, _origin: Origin, status: number, failure: Failure | null): void {
    (request.route as Member).replica.settle(status, failure);
  }
}
