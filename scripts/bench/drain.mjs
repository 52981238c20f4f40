// Reads `GET /images/{name}/get` (what `docker save` and Layerlens both stream) and throws the bytes away: the
// floor for any Node client of the engine API, without tar parsing or hashing. Plain JS so it starts as fast
// as dist/cli.js. Usage: node scripts/bench/drain.mjs <unix:///path.sock | tcp://host:port> <image>
import http from 'node:http';

const [host, image] = process.argv.slice(2);
if (!host || !image) {
  process.stderr.write('usage: drain.mjs <host> <image>\n');
  process.exit(2);
}
const target = host.startsWith('unix://') ? { socketPath: host.slice('unix://'.length) } : (() => {
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375) };
})();
const request = http.get({ ...target, path: `/images/${encodeURIComponent(image)}/get` }, (response) => {
  if (response.statusCode !== 200) {
    process.stderr.write(`drain: HTTP ${response.statusCode}\n`);
    process.exit(1);
  }
  let bytes = 0;
  response.on('data', (chunk) => (bytes += chunk.length));
  response.on('end', () => process.stdout.write(`${bytes}\n`));
});
request.on('error', (error) => {
  process.stderr.write(`drain: ${error.message}\n`);
  process.exit(1);
});
