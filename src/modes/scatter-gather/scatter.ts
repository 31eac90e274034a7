import type { ScatterConfig } from './config.ts';

/** The request target each leaf gets (null: that leaf has nothing to do), or why the request cannot be scattered. */
export type ScatterPlan = (string | null)[] | { problem: string };

export interface Scatter {
  plan(target: string, leaves: number): ScatterPlan;
}

export function createScatter(config: ScatterConfig): Scatter {
  return config.style === 'broadcast' ? new Broadcast() : new TermSplit(config.param, config.separator);
}

/** Document-sharded: every leaf holds part of the data, so every leaf gets the whole query. */
class Broadcast implements Scatter {
  plan(target: string, leaves: number): ScatterPlan {
    return new Array<string>(leaves).fill(target);
  }
}

/**
 * Term-sharded: the leaves are replicas that each compute part of the
 * answer, so one query's terms are dealt out among them (term i to leaf
 * start + i), the rest of the target kept byte for byte. The starting leaf
 * rotates per request, so queries with fewer terms than leaves still spread
 * over all of them.
 */
class TermSplit implements Scatter {
  private readonly param: string;
  private readonly separator: string;
  private rotation = 0;

  constructor(param: string, separator: string) {
    this.param = param;
    this.separator = separator;
  }

  plan(target: string, leaves: number): ScatterPlan {
    const query = target.indexOf('?');
    const pairs = query < 0 ? [] : target.slice(query + 1).split('&');
    const at = pairs.findIndex((pair) => decodeComponent(nameOf(pair)) === this.param);
    const raw = at < 0 ? null : decodeComponent(pairs[at]!.slice(nameOf(pairs[at]!).length + 1));
    if (raw === null) return { problem: `the query parameter "${this.param}" is missing or not valid percent-encoding; it holds the terms to split` };
    const terms = raw.split(this.separator).filter((term) => term !== '');
    if (terms.length === 0) return { problem: `the query parameter "${this.param}" holds no terms` };
    const shares: string[][] = Array.from({ length: leaves }, () => []);
    const start = this.rotation++ % leaves;
    terms.forEach((term, i) => shares[(start + i) % leaves]!.push(term));
    const path = target.slice(0, query);
    const before = pairs.slice(0, at).join('&');
    const after = pairs.slice(at + 1).join('&');
    const head = `${path}?${before}${before ? '&' : ''}${nameOf(pairs[at]!)}=`;
    const tail = after ? `&${after}` : '';
    return shares.map((share) => (share.length === 0 ? null : `${head}${encodeURIComponent(share.join(this.separator))}${tail}`));
  }
}

/** The raw name of a `name=value` query pair (all of it when there is no `=`). */
function nameOf(pair: string): string {
  const equals = pair.indexOf('=');
  return equals < 0 ? pair : pair.slice(0, equals);
}

/** Form decoding as browsers send queries: `+` is a space. Null for malformed percent-encoding. */
function decodeComponent(text: string): string | null {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return null;
  }
}
