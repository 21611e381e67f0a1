/** Hash routes: `#/`, `#/customer`, with optional `?a=b` parameters (`#token=…` alone is accepted too). */
export interface HashRoute {
  readonly path: string;
  readonly params: URLSearchParams;
}

export function parseHash(hash: string): HashRoute {
  const body = hash.replace(/^#/, '');
  if (!body.startsWith('/')) return { path: '/', params: new URLSearchParams(body) };
  const q = body.indexOf('?');
  return q === -1
    ? { path: body, params: new URLSearchParams() }
    : { path: body.slice(0, q), params: new URLSearchParams(body.slice(q + 1)) };
}

export function formatHash(route: HashRoute): string {
  const query = route.params.toString();
  return `#${route.path}${query ? `?${query}` : ''}`;
}
