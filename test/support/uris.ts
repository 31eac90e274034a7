import { rng } from '../unit/hash/keys.ts';

/** Request URIs as clients send them: path segments, a query, percent-escapes; nothing nginx would refuse. Deterministic per seed. */
export function sampleUris(prefix: string, count: number, seed: number): string[] {
  const next = rng(seed);
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_~';
  const word = (n: number) => Array.from({ length: n }, () => chars[Math.floor(next() * chars.length)]).join('');
  return Array.from({ length: count }, (_, i) => {
    let uri = `/${prefix}/${word(1 + Math.floor(next() * 20))}`;
    if (i % 3 === 0) uri += `/${word(5)}%${Math.floor(16 + next() * 240).toString(16).toUpperCase()}`;
    if (i % 2 === 0) uri += `?q=${word(Math.floor(next() * 12))}&n=${i}`;
    return uri;
  });
}
