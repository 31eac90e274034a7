import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import {
  classifySocketError,
  ConnectionClosingError,
  ConnectionResetError,
  ConnectRefusedError,
  ConnectTimeoutError,
  ReplyTimeoutError,
  UnreachableError,
  UnresolvedError,
  UpstreamSocketError,
  type UpstreamError,
} from '../../../src/upstream/errors.ts';
import { OutlierPolicy, type OutlierRules } from '../../../src/upstream/outlier-policy.ts';

const refused = () => new ConnectRefusedError('s:1', 'ECONNREFUSED');

function policy(rules: OutlierRules) {
  const log: string[] = [];
  const health = new OutlierPolicy(rules, {
    ejected: (cause: UpstreamError, failures: number) => log.push(`ejected ${cause.code} after ${failures}`),
    rejoined: () => log.push('rejoined'),
  });
  return { health, log };
}

describe('OutlierPolicy', () => {
  it('ejects after failureLimit failures in a row, for ejectTime, then a full run is needed again (twemproxy)', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      const { health, log } = policy({ failureLimit: 2, ejectTime: 1000, trial: false });
      health.failed(refused());
      health.succeeded();
      health.failed(refused());
      assert.equal(health.ejected, false, 'an answer in between resets the run');
      health.failed(refused());
      assert.equal(health.ejected, true);
      assert.deepEqual(log, ['ejected PADDA_UPSTREAM_CONNECT_REFUSED after 2']);
      mock.timers.tick(999);
      assert.equal(health.ejected, true);
      mock.timers.tick(1);
      assert.equal(health.ejected, false);
      health.failed(refused());
      assert.equal(health.ejected, false, 'twemproxy zeroes the count on ejection');
      health.failed(refused());
      assert.equal(health.ejected, true);
      assert.deepEqual(log, ['ejected PADDA_UPSTREAM_CONNECT_REFUSED after 2', 'rejoined', 'ejected PADDA_UPSTREAM_CONNECT_REFUSED after 2']);
      health.stop();
    } finally {
      mock.timers.reset();
    }
  });

  it('with trial, the first failure after the time out ejects again at once', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      const { health } = policy({ failureLimit: 3, ejectTime: 500, trial: true });
      for (let i = 0; i < 3; i++) health.failed(new ReplyTimeoutError('s:1', 'timed out'));
      assert.equal(health.ejected, true);
      mock.timers.tick(500);
      assert.equal(health.ejected, false);
      health.failed(refused());
      assert.equal(health.ejected, true);
      health.stop();
    } finally {
      mock.timers.reset();
    }
  });

  it('never ejects with failureLimit 0, but still counts failures', () => {
    const { health, log } = policy({ failureLimit: 0, ejectTime: 500, trial: false });
    for (let i = 0; i < 10; i++) health.failed(refused());
    assert.equal(health.ejected, false);
    assert.equal(health.failures, 10);
    assert.deepEqual(log, []);
  });

  it('does not count errors that are not judged (padda closed the connection)', () => {
    const { health } = policy({ failureLimit: 1, ejectTime: 500, trial: false });
    health.failed(new ConnectionClosingError('s:1', 'listener closed'));
    assert.equal(health.failures, 0);
    assert.equal(health.ejected, false);
  });
});

describe('classifySocketError', () => {
  it('classifies by errno and undici code, never by message', () => {
    const cases: Array<[string, new (...args: never[]) => UpstreamError, string]> = [
      ['ECONNREFUSED', ConnectRefusedError, 'refused'],
      ['ENOENT', ConnectRefusedError, 'refused'],
      ['ETIMEDOUT', ConnectTimeoutError, 'timeout'],
      ['UND_ERR_CONNECT_TIMEOUT', ConnectTimeoutError, 'timeout'],
      ['ENOTFOUND', UnresolvedError, 'dns'],
      ['EAI_AGAIN', UnresolvedError, 'dns'],
      ['EHOSTUNREACH', UnreachableError, 'unreachable'],
      ['UND_ERR_HEADERS_TIMEOUT', ReplyTimeoutError, 'timeout'],
      ['ECONNRESET', ConnectionResetError, 'reset'],
      ['EPIPE', ConnectionResetError, 'reset'],
      ['UND_ERR_DESTROYED', ConnectionClosingError, 'closing'],
      ['EWHATEVER', UpstreamSocketError, 'other'],
    ];
    for (const [code, type, reason] of cases) {
      const error = classifySocketError(Object.assign(new Error('connection refused, timed out, reset'), { code }), '10.0.0.1:6379:1');
      assert.ok(error instanceof type, code);
      assert.equal(error.reason, reason, code);
      assert.match(error.code, /^PADDA_UPSTREAM_[A-Z_]+$/);
      assert.equal(error.upstream, '10.0.0.1:6379:1');
    }
  });

  it('says what twemproxy says first, then padda\'s detail', () => {
    const error = classifySocketError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), '10.0.0.1:6379:1');
    assert.equal(error.clientText, 'Connection refused (10.0.0.1:6379:1: ECONNREFUSED)');
    assert.equal(new ReplyTimeoutError('a:1:1', 'timed out after 400 ms').clientText, 'Connection timed out (a:1:1: timed out after 400 ms)');
    assert.equal(new ConnectionClosingError('a:1:1', 'x').judged, false);
    assert.equal(new ConnectRefusedError('a:1:1', 'x').judged, true);
  });
});
