// The benchmark's hook receiver: answers every event with itself (a Lambda that changes
// nothing), or for PreTokenGeneration with one added claim, so the hook's answer is applied.
// Prints its port on the first line.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const event = JSON.parse(Buffer.concat(chunks));
    if (event.triggerSource.startsWith('TokenGeneration_') && event.version !== '1') {
      event.response = { claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: { plan: 'gold' } } } };
    }
    const body = JSON.stringify(event);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
