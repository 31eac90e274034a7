import { createHash } from 'node:crypto';

/**
 * The shared store's one atomic decision (gcra.ts in Lua), for every key
 * of a request at once, on Redis's own clock (TIME) so the paddas' clocks
 * need not agree. KEYS: the request's keys. ARGV: cost, force ("1": apply
 * the cost even over the limit — requests the local fast path already let
 * through), then interval (ms) and burst per key. All keys are charged only
 * when every one admits. Answers "admitted ahead1 ahead2 …": per key how
 * many ms its TAT now lies ahead of Redis's now. Keys expire when their
 * bucket is full again, so idle keys cost Redis nothing.
 */
export const DECIDE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local cost = tonumber(ARGV[1])
local force = ARGV[2] == '1'
local tats = {}
local admitted = 1
for i = 1, #KEYS do
  local interval = tonumber(ARGV[1 + 2 * i])
  local burst = tonumber(ARGV[2 + 2 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  if tat + interval * cost - now > interval * burst then admitted = 0 end
  tats[i] = tat
end
local out = { tostring(admitted) }
for i = 1, #KEYS do
  local tat = tats[i]
  if admitted == 1 or force then
    tat = tat + tonumber(ARGV[1 + 2 * i]) * cost
    redis.call('SET', KEYS[i], string.format('%.3f', tat), 'PX', math.ceil(tat - now) + 1)
  end
  out[#out + 1] = string.format('%.3f', tat - now)
end
return table.concat(out, ' ')
`;

export const DECIDE_SHA = createHash('sha1').update(DECIDE_SCRIPT).digest('hex');
