import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlotTable } from '../../../../src/modes/redis/cluster/slot-table.ts';

const servers = new Map<string, number>();
const server = (address: string) => {
  if (!servers.has(address)) servers.set(address, servers.size);
  return servers.get(address)!;
};

test('a layout places every slot range on its primary, with its replicas', () => {
  const table = new SlotTable();
  assert.equal(table.known, false);
  table.apply([
    { slots: [0, 99, 200, 299], primary: 'a:1', replicas: ['r:1'] },
    { slots: [100, 199], primary: 'b:1', replicas: [] },
  ], server);
  assert.equal(table.known, true);
  assert.equal(table.covered, 300);
  assert.equal(table.primaries[0], server('a:1'));
  assert.equal(table.primaries[250], server('a:1'));
  assert.equal(table.primaries[150], server('b:1'));
  assert.equal(table.primaries[300], -1);
  assert.deepEqual(table.replicas[99], [server('r:1')]);
  assert.equal(table.anySlot(), 0);
});

test('a later layout that leaves slots without a primary keeps their owner (mid-failover); a MOVED moves one slot', () => {
  const table = new SlotTable();
  table.apply([{ slots: [0, 16383], primary: 'a:1', replicas: ['r:1'] }], server);
  table.apply([{ slots: [0, 8191], primary: 'b:1', replicas: [] }], server);
  assert.equal(table.primaries[0], server('b:1'));
  assert.equal(table.primaries[9000], server('a:1'));
  assert.deepEqual(table.replicas[9000], [server('r:1')]);
  assert.equal(table.covered, 16384);
  table.moved(9000, server('c:1'));
  assert.equal(table.primaries[9000], server('c:1'));
  assert.deepEqual(table.replicas[9000], []);
});
