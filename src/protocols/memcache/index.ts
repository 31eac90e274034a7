/** The memcached text and meta protocol, as a proxy needs it: scanners, reply boundaries, replies of its own. */
export { decodeBase64Key } from './base64-key.ts';
export { endsReply } from './reply-boundary.ts';
export { ReplyKind, replyKindName } from './reply-kind.ts';
export { ReplyScanner, type ReplyScannerOptions } from './reply-scanner.ts';
export * as replies from './replies.ts';
export { Expect, RequestKind, requestKindName } from './request-kind.ts';
export { RequestScanner, type RequestScannerOptions } from './request-scanner.ts';
export type { ScannedReply } from './scanned-reply.ts';
export type { ScannedRequest } from './scanned-request.ts';
