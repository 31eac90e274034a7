/**
 * nginx's split_clients (ngx_http_split_clients_module): MurmurHash2 of a
 * key (`murmur2_nginx`) picks a bucket by cumulative percentage. Percentages
 * have at most two decimals; each bucket's upper bound is the running sum of
 * percent × 100 × 0xffffffff / 10000 (integer division), a bucket whose
 * percentages reach 100 % — or `*` — takes everything above, and keys above
 * every bound, when the sum stays under 100 % and there is no `*`, match
 * nothing.
 */
export class SplitClients {
  /** Upper bounds per bucket; 0 means "the rest". */
  readonly bounds: Uint32Array;

  constructor(percents: ReadonlyArray<number | '*'>) {
    this.bounds = new Uint32Array(percents.length);
    let sum = 0;
    let last = 0;
    percents.forEach((p, i) => {
      const hundredths = p === '*' ? 0 : toHundredths(p);
      sum = hundredths ? sum + hundredths : 10000;
      if (sum > 10000) throw new RangeError('split percentages add up to more than 100%');
      if (sum === 10000 || hundredths === 0) {
        this.bounds[i] = 0;
      } else {
        last += Math.floor((hundredths * 0xffffffff) / 10000);
        this.bounds[i] = last;
      }
    });
  }

  /** Bucket index for a murmur2_nginx key hash, or -1 when it falls in no bucket. */
  pick(hash: number): number {
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) if (hash < bounds[i] || bounds[i] === 0) return i;
    return -1;
  }
}

function toHundredths(percent: number): number {
  const h = Math.round(percent * 100);
  if (!(percent > 0) || Math.abs(h - percent * 100) > 1e-6 || h > 10000) {
    throw new RangeError(`split percentage ${percent} must be above 0, at most 100, with at most two decimals`);
  }
  return h;
}
