/**
 * The nginx `location /` every bench's nginx proxies with: keep-alive to
 * `upstream`, and the book's X-Forwarded set, so nginx does the same work
 * padda does. `extra` goes first in the block (e.g. a limit_req).
 */
export function nginxProxyLocation(upstream: string, extra = ''): string {
  return `
    location / {
      ${extra}
      proxy_pass http://${upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
    }`;
}
