// A form-driving HTTP client: fetch with redirects followed by hand and a cookie jar (by
// name and path; every test server here is on 127.0.0.1, where browsers share cookies
// across ports too).
export class Jar {
  constructor() { this.cookies = new Map(); }

  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const path = (attrs.find((a) => /^path=/i.test(a)) || 'Path=/').slice(5);
      const key = `${name} ${path}`;
      if (attrs.some((a) => /^max-age=0$/i.test(a)) || pair.slice(eq + 1) === '') this.cookies.delete(key);
      else this.cookies.set(key, { name, path, value: pair.slice(eq + 1) });
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    return [...this.cookies.values()]
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`).join('; ');
  }

  /** One request, no redirect followed. */
  async request(url, { method = 'GET', form } = {}) {
    const headers = { cookie: this.header(url) };
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(url, { method, headers, body, redirect: 'manual' });
    this.store(res);
    return res;
  }

  /** Follows redirects until `stop(url)` says the next location is the destination. */
  async follow(url, stop, init) {
    let res = await this.request(url, init);
    let at = url;
    for (let i = 0; i < 20 && res.status >= 300 && res.status < 400; i++) {
      at = new URL(res.headers.get('location'), at).href;
      if (stop(at)) return { url: at, res };
      res = await this.request(at);
    }
    return { url: at, res };
  }
}
