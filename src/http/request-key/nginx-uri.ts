/**
 * nginx's `$uri` from a raw path: percent-escapes decoded (to bytes, as
 * latin1 chars), `.` and `..` segments resolved (never above the root), and
 * runs of slashes merged (`merge_slashes on`, nginx's default). Most paths
 * need none of it and are returned as they are.
 */
export function nginxUri(path: string): string {
  let decoded = path;
  if (path.includes('%')) decoded = path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  if (!decoded.includes('//') && !decoded.includes('/.')) return decoded;
  const out: string[] = [];
  const segments = decoded.split('/');
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment === '.' || (segment === '' && !last)) continue;
    if (segment === '..') {
      out.pop();
      continue;
    }
    out.push(segment);
  }
  // A path ending in `/.` or `/..` names a directory: keep the trailing slash.
  const tail = segments.at(-1) === '.' || segments.at(-1) === '..' ? '/' : '';
  return `/${out.join('/')}${tail && out.length ? tail : ''}`;
}
