import { cookieValue } from '../cookie.ts';
import type { HttpRequest } from '../message.ts';
import { HOST } from '../../protocols/http1/field-names.ts';
import { nginxUri } from './nginx-uri.ts';

/** What a key reads of a request: its target, its fields, its client (an HttpRequest, or a stand-in in tests). */
export type KeyedRequest = Pick<HttpRequest, 'target' | 'header' | 'client'>;

/** One piece of a key: its text for a request, or null when the variable is absent. */
type Part = (request: KeyedRequest) => string | null;

/** A compiled key: a request's key as a latin1 string (one char per byte), or null when a variable in it is absent. */
export type KeyTemplate = (request: KeyedRequest) => string | null;

const VARIABLE = /\$([A-Za-z0-9_]+)/g;

/**
 * Compiles an nginx-style key — variables and literals side by side, e.g.
 * `$request_uri`, `$http_x_user$uri`, `tenant-$arg_t` — into a function of
 * the request, or returns an error message. Variables read the same bytes
 * nginx's do, so `hash $request_uri consistent` and padda agree:
 *   $request_uri  the target as sent (path and query, not decoded)
 *   $uri          the path, percent-decoded, `.`/`..` resolved, slashes merged
 *   $args         the query string (also $query_string)
 *   $arg_NAME     the first NAME= argument, not decoded (name case-insensitive)
 *   $http_NAME    a request header, `_` for `-` (repeated ones joined with ", ")
 *   $cookie_NAME  a cookie's value
 *   $remote_addr  the client's IP;  $host  the Host without its port, lower case
 * $arg_, $http_ and $cookie_ variables are absent when the request lacks
 * them; nginx would hash an empty string there instead.
 */
export function compileKey(text: string): KeyTemplate | string {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(VARIABLE)) {
    if (match.index > last) parts.push(literal(text.slice(last, match.index)));
    const part = variable(match[1]!);
    if (typeof part === 'string') return part;
    parts.push(part);
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(literal(text.slice(last)));
  if (parts.length === 0) return () => '';
  if (parts.length === 1) return parts[0]!;
  return (request) => {
    let key = '';
    for (const part of parts) {
      const value = part(request);
      if (value === null) return null;
      key += value;
    }
    return key;
  };
}

function literal(text: string): Part {
  // Literals are written in UTF-8, like nginx reads its config: keep their bytes.
  const bytes = Buffer.from(text, 'utf8').toString('latin1');
  return () => bytes;
}

function variable(name: string): Part | string {
  switch (name) {
    case 'request_uri':
      return (request) => request.target;
    case 'uri':
      return (request) => nginxUri(pathOf(request.target));
    case 'args':
    case 'query_string':
      return (request) => {
        const url = request.target;
        const q = url.indexOf('?');
        return q < 0 ? '' : url.slice(q + 1);
      };
    case 'remote_addr':
      return (request) => request.client.address;
    case 'host':
      return (request) => hostOf(request);
  }
  if (name.startsWith('arg_') && name.length > 4) return argument(name.slice(4).toLowerCase());
  if (name.startsWith('http_') && name.length > 5) return header(name.slice(5).toLowerCase().replaceAll('_', '-'));
  if (name.startsWith('cookie_') && name.length > 7) return cookie(name.slice(7));
  return `unknown variable $${name} (known: $request_uri $uri $args $arg_NAME $http_NAME $cookie_NAME $remote_addr $host)`;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function hostOf(request: KeyedRequest): string {
  const host = request.header('host', HOST) ?? '';
  const colon = host.startsWith('[') ? host.indexOf(':', host.indexOf(']')) : host.lastIndexOf(':');
  return (colon < 0 ? host : host.slice(0, colon)).toLowerCase();
}

/**
 * nginx's ngx_http_arg: the first `name=` in the query, compared
 * case-insensitively, value as sent. The pairs are walked in place: only a
 * pair with `=` right after name.length chars is sliced to compare.
 */
function argument(name: string): Part {
  const length = name.length;
  return (request) => {
    const url = request.target;
    let start = url.indexOf('?') + 1;
    if (start === 0) return null;
    while (start <= url.length) {
      let end = url.indexOf('&', start);
      if (end < 0) end = url.length;
      if (end > start + length && url.charCodeAt(start + length) === 0x3d && url.slice(start, start + length).toLowerCase() === name) {
        return url.slice(start + length + 1, end);
      }
      start = end + 1;
    }
    return null;
  };
}

function header(name: string): Part {
  return (request) => request.header(name) ?? null;
}

function cookie(name: string): Part {
  return (request) => cookieValue(request.header('cookie'), name);
}
