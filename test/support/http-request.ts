/**
 * Real HttpRequests for unit tests of what reads a request (shard keys,
 * stickiness): the head is written out and scanned as a client's would be.
 */
import { HttpRequest, type BodySource } from '../../src/http/message.ts';
import { HeadScanner, REQUEST } from '../../src/protocols/http1/head-scanner.ts';
import { NO_BODY } from '../../src/protocols/http1/message-head.ts';

const NO_SOURCE: BodySource = { consume() {}, pause() {}, resume() {} };

/** `GET target` with `fields` (arrays are repeated lines), from a plain-HTTP client at `address`. */
export function standInRequest(target: string, fields: Record<string, string | string[]>, address: string): HttpRequest {
  let text = `GET ${target} HTTP/1.1\r\n`;
  if (!Object.keys(fields).some((name) => name.toLowerCase() === 'host')) text += 'Host: test.example\r\n';
  for (const [name, value] of Object.entries(fields)) for (const one of Array.isArray(value) ? value : [value]) text += `${name}: ${one}\r\n`;
  const scanner = new HeadScanner(REQUEST, { maxStartLine: 1 << 20, maxHeadSize: 1 << 20 });
  if (scanner.scan(Buffer.from(`${text}\r\n`, 'latin1'), 0) < 0) throw new Error(`not a request: ${scanner.error?.message}`);
  return new HttpRequest(scanner.head!, { address, scheme: 'http', certificate: null }, false, NO_BODY, NO_SOURCE);
}
