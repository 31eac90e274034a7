import {
  CONNECTION, FIELD_NAME_COUNT, KEEP_ALIVE, PROXY_AUTHENTICATE, PROXY_CONNECTION, TE, TRAILER, TRANSFER_ENCODING, UPGRADE,
} from '../protocols/http1/field-names.ts';
import { equalsIgnoringCase } from '../protocols/http1/bytes.ts';
import type { MessageHead } from '../protocols/http1/message-head.ts';

/**
 * Fields that describe one connection, not the message (RFC 9110 §7.6.1),
 * by field number: a response's never cross padda, whichever protocol the
 * client speaks (HTTP/2 forbids them outright, RFC 9113 §8.2.2).
 */
export const RESPONSE_HOP_BY_HOP = (() => {
  const table = new Uint8Array(FIELD_NAME_COUNT);
  for (const id of [CONNECTION, KEEP_ALIVE, TRANSFER_ENCODING, TE, TRAILER, UPGRADE, PROXY_CONNECTION, PROXY_AUTHENTICATE]) table[id] = 1;
  return table;
})();

/** Tokens of `Connection` that name no field. */
const CONNECTION_OPTIONS = new Set(['close', 'keep-alive', 'upgrade']);

/**
 * The lower-case names `Connection` lists besides its options, which are
 * hop-by-hop too (`Connection: close, X-Secret`); null when there are none,
 * which is nearly always (head.connectionNamesFields is false then).
 */
export function connectionNamed(head: MessageHead): Set<string> | null {
  if (!head.connectionNamesFields) return null;
  const named = new Set<string>();
  for (let i = 0; i < head.fieldCount; i++) {
    if (head.names[i] !== CONNECTION) continue;
    for (const token of head.value(i).split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '' && !CONNECTION_OPTIONS.has(name)) named.add(name);
    }
  }
  return named;
}

/** Whether field i of `head` is one of the `named` ones. */
export function isNamed(head: MessageHead, i: number, named: Set<string>): boolean {
  const { buffer, fields } = head;
  for (const name of named) if (equalsIgnoringCase(buffer, fields[4 * i]!, fields[4 * i + 1]!, name)) return true;
  return false;
}
