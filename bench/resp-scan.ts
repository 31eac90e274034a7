/**
 * ns per command (and per reply) for the RESP scanners on pipelined streams
 * cut into 16 KiB chunks, as a socket delivers them; "+ route" adds what the
 * redis mode does next for each command: the command-table lookup and the
 * key positions.
 * Run: npx node bench/resp-scan.ts
 */
import { Bench } from 'tinybench';
import { findCommand } from '../src/protocols/resp/commands/command-table.ts';
import { KeyPositions } from '../src/protocols/resp/commands/key-positions.ts';
import { ReplyScanner } from '../src/protocols/resp/reply-scanner.ts';
import { RequestScanner } from '../src/protocols/resp/request-scanner.ts';
import { addStreamTasks, chunkedStream, printPerItem } from './support/scan-bench.ts';

const COUNT = 2000;
const stream = (make: (i: number) => string): Buffer[] => chunkedStream(COUNT, make);

const multibulk = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
const value = 'v'.repeat(100);
const requestStreams = {
  'GET': stream((i) => multibulk('GET', `key:${i % 1000}`)),
  'SET 100 B': stream((i) => multibulk('SET', `key:${i % 1000}`, value)),
  'GET/SET mix': stream((i) => (i % 2 ? multibulk('GET', `key:${i}`) : multibulk('SET', `key:${i}`, value))),
  'MGET 10 keys': stream((i) => multibulk('MGET', ...Array.from({ length: 10 }, (_, k) => `key:${i}:${k}`))),
  'inline GET': stream((i) => `GET key:${i % 1000}\r\n`),
};
const replyStreams = {
  '+OK': stream(() => '+OK\r\n'),
  '$100 bulk': stream(() => `$100\r\n${value}\r\n`),
  'MGET 10 replies': stream(() => `*10\r\n${`$100\r\n${value}\r\n`.repeat(10)}`),
};

const bench = new Bench({ time: 500, warmup: true });
const requests = new RequestScanner();
const keys = new KeyPositions();
const replies = new ReplyScanner();
let sink = 0;
addStreamTasks(bench, requestStreams, (name) => `requests: ${name}`, (chunk) => {
  requests.push(chunk);
  while (requests.next()) sink += requests.argc;
});
addStreamTasks(bench, requestStreams, (name) => `requests: ${name} + route`, (chunk) => {
  requests.push(chunk);
  while (requests.next()) {
    const command = findCommand(requests);
    if (command !== undefined) sink += keys.find(command, requests);
  }
});
addStreamTasks(bench, replyStreams, (name) => `replies: ${name}`, (chunk) => {
  for (let from = 0, end; (end = replies.scan(chunk, from)) >= 0; from = end) sink += end;
});

await bench.run();
printPerItem(bench, COUNT);
if (sink === 0) console.log('nothing scanned');
