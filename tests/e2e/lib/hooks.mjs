// A webhook receiver for the hooks tests: it checks every call's Standard Webhooks
// signature against the pool's secret, records the events, and answers as the test says.
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Whether one `v1,` entry of `header` is the HMAC-SHA256 of "id.timestamp.body". */
export function signatureOk(secret, id, timestamp, body, header) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  return header.split(' ').some((entry) => {
    if (!entry.startsWith('v1,')) return false;
    const given = Buffer.from(entry.slice(3), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export async function hookReceiver() {
  const secrets = new Map();
  const events = [];
  const answers = new Map();
  let badSignatures = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const event = JSON.parse(body);
      const secret = secrets.get(event.userPoolId);
      const h = req.headers;
      if (!secret || !signatureOk(secret, h['webhook-id'], h['webhook-timestamp'], body, h['webhook-signature'])) {
        badSignatures += 1;
        res.writeHead(401); res.end(); return;
      }
      events.push({ path: req.url, event });
      const answer = answers.get(req.url) ?? ((e) => [200, e]);
      const [status, out] = answer(event);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    secrets,
    events,
    answers,
    badSignatures: () => badSignatures,
    sources: (path) => events.filter((e) => e.path === path).map((e) => e.event.triggerSource),
    close: () => new Promise((r) => server.close(r)),
  };
}

/** An answer filling the event's `response`, as a Lambda returns it. */
export const respond = (fields) => (e) => [200, { ...e, response: { ...e.response, ...fields } }];
/** A refusal, shaped as a Lambda error. */
export const refuse = (message) => () => [400, { errorType: 'Error', errorMessage: message }];
