// A real listener for redirect URIs: the browser lands here and the test reads the URL.
import { createServer } from 'node:http';

export async function callbackServer() {
  const waiting = [];
  const seen = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, `http://127.0.0.1:${server.address().port}`);
    if (url.pathname === '/favicon.ico') { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>callback</title><p id="done">done</p>');
    seen.push(url);
    while (waiting.length) waiting.shift()(url);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    /** The next URL the browser lands on (or one that already arrived after `since`). */
    next(since = seen.length) {
      if (seen.length > since) return Promise.resolve(seen[since]);
      return new Promise((resolve) => waiting.push(resolve));
    },
    count: () => seen.length,
    close: () => new Promise((r) => server.close(r)),
  };
}
