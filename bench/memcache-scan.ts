/**
 * ns per request (and per reply unit) for the memcache scanners on
 * pipelined streams cut into 16 KiB chunks, as a socket delivers them.
 * Run: npx node bench/memcache-scan.ts
 */
import { Bench } from 'tinybench';
import { ReplyScanner } from '../src/protocols/memcache/reply-scanner.ts';
import { RequestScanner } from '../src/protocols/memcache/request-scanner.ts';
import { addStreamTasks, chunkedStream, printPerItem } from './support/scan-bench.ts';

const COUNT = 2000;
const stream = (make: (i: number) => string): Buffer[] => chunkedStream(COUNT, make);

const value = 'v'.repeat(100);
const requestStreams = {
  'get, 1 key': stream((i) => `get key:${i % 1000}\r\n`),
  'get, 10 keys': stream((i) => `get ${Array.from({ length: 10 }, (_, k) => `key:${i}:${k}`).join(' ')}\r\n`),
  'set, 100 B': stream((i) => `set key:${i % 1000} 0 0 100\r\n${value}\r\n`),
  'mg/ms mix': stream((i) => (i % 2 ? `mg key:${i} v f t O${i} q\r\n` : `ms key:${i} 100 T60 F1 q\r\n${value}\r\n`)),
};
const replyStreams = {
  'VALUE 100 B + END': stream((i) => `VALUE key:${i % 1000} 0 100\r\n${value}\r\nEND\r\n`),
  'STORED': stream(() => 'STORED\r\n'),
  'VA 100 B / HD': stream((i) => (i % 2 ? `VA 100 f0 Oop${i}\r\n${value}\r\n` : `HD O${i}\r\n`)),
};

const bench = new Bench({ time: 500, warmup: true });
const requests = new RequestScanner();
const replies = new ReplyScanner();
let sink = 0;
addStreamTasks(bench, requestStreams, (name) => `requests: ${name}`, (chunk) => {
  requests.push(chunk);
  while (requests.next()) sink += requests.request.keyCount;
});
addStreamTasks(bench, replyStreams, (name) => `replies: ${name}`, (chunk) => {
  replies.push(chunk);
  while (replies.next()) sink += replies.reply.end;
});

await bench.run();
printPerItem(bench, COUNT, 'request');
if (sink === 0) console.log('nothing scanned');
