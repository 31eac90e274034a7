import { ABSOLUTE_FORM, ORIGIN_FORM } from '../../protocols/http1/request-target.ts';
import type { ClientResponse, HttpRequest } from '../message.ts';

/** Why padda answers a request itself instead of forwarding it. */
export interface Refusal {
  status: number;
  reason: string;
  message: string;
}

const CONNECT_REFUSED: Refusal = { status: 405, reason: 'connect_refused', message: 'CONNECT is not supported: padda is not a forward proxy' };
const BAD_TARGET: Refusal = { status: 400, reason: 'bad_request_target', message: 'request target must be a path or an absolute http(s) URL' };

/**
 * What must not be forwarded, by any mode: CONNECT, which is what makes an
 * open proxy (405), and a target that names no resource (OPTIONS *, 400).
 */
export function refusalOf(request: HttpRequest): Refusal | null {
  if (request.method === 'CONNECT') return CONNECT_REFUSED;
  return request.head.targetForm === ORIGIN_FORM || request.head.targetForm === ABSOLUTE_FORM ? null : BAD_TARGET;
}

/** padda's own answer to a refused request, with x-padda-error (and the request id, when there is one). */
export function answerRefusal(response: ClientResponse, refusal: Refusal, requestId = ''): void {
  const fields = ['content-type', 'text/plain; charset=utf-8', 'x-padda-error', refusal.reason];
  if (requestId !== '') fields.push('x-request-id', requestId);
  response.answer(refusal.status, fields, `${refusal.message}\n`);
}
