/**
 * The URL of the next page: the request's own URL (path and query as sent) made absolute, with
 * $skip set to where the next page starts. The other query options stay as the client wrote them.
 */
export function nextLink(origin: string, requestUrl: string, skip: number): string {
  const [path = '', query = ''] = requestUrl.split(/\?(.*)/s);
  const kept = query.split('&').filter((pair) => {
    if (pair === '') return false;
    const name = pair.split('=')[0] ?? '';
    try {
      return decodeURIComponent(name) !== '$skip';
    } catch {
      return true;
    }
  });
  return `${origin}${path}?${[...kept, `$skip=${skip}`].join('&')}`;
}
