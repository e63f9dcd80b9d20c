// The BullMQ baseline of fabu-bench: queue one job per (release, account), run a Worker that POSTs
// statuses/share.json to the sandbox for each, and print one JSON line with what it measured.
// Run by `fabu-bench --scenarios bullmq` (after `npm install` in this folder).
import http from 'node:http';
import { Queue, Worker } from 'bullmq';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
const redisPort = option('redis-port', 6379);
const sandboxPort = option('sandbox-port', 8791);
const releases = option('releases', 2000);
const accounts = option('accounts', 500);
const perRelease = option('per-release', 10);
const concurrency = option('concurrency', 512);
const total = releases * perRelease;

const connection = { host: '127.0.0.1', port: redisPort };
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

// The same request fabud's Weibo adapter makes for a member post: form-encoded token and text.
function share(token, status) {
  const body = new URLSearchParams({ access_token: token, status }).toString();
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1', port: sandboxPort, path: '/2/statuses/share.json', method: 'POST', agent,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
    }, (response) => {
      const chunks = [];
      response.on('data', (c) => chunks.push(c));
      response.on('end', () => {
        const reply = JSON.parse(Buffer.concat(chunks).toString());
        if (response.statusCode !== 200 || reply.error_code) reject(new Error(`weibo ${reply.error_code}: ${reply.error}`));
        else resolve(reply.idstr);
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

const queue = new Queue('deliveries', { connection });
await queue.waitUntilReady();
const account = (i) => `m${String(i % accounts).padStart(4, '0')}`;
const jobs = [];
for (let r = 0; r < releases; r++) {
  for (let a = 0; a < perRelease; a++) {
    const id = account(r * perRelease + a);
    jobs.push({
      name: 'share',
      data: {
        token: `bench-token-${id}`,
        status: `第${r}期：市政府新闻办今天举行新闻发布会，介绍全市政务公开工作情况。（${id}单位） https://www.linyi.gov.cn/xw/${r}.html`,
      },
    });
  }
}

let completed = 0;
let failed = 0;
const latencies = [];
let finish;
const allDone = new Promise((resolve) => { finish = resolve; });
const started = Date.now();
const cpuStart = process.cpuUsage();

const worker = new Worker('deliveries', async (job) => share(job.data.token, job.data.status), { connection, concurrency });
worker.on('completed', (job) => {
  latencies.push(Date.now() - job.timestamp);
  if (++completed + failed === total) finish();
});
worker.on('failed', (job, error) => {
  if (failed++ === 0) console.error(`first failure: ${error.message}`);
  if (completed + failed === total) finish();
});
for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
await allDone;

const wallMs = Date.now() - started;
const cpu = process.cpuUsage(cpuStart);
latencies.sort((a, b) => a - b);
const pick = (p) => latencies[Math.max(0, Math.ceil(p * latencies.length) - 1)] ?? 0;
await worker.close();
await queue.close();
console.log(JSON.stringify({
  delivered: completed, failed, wall_ms: wallMs, p50_ms: pick(0.5), p99_ms: pick(0.99), cpu_us: cpu.user + cpu.system,
}));
process.exit(0);
