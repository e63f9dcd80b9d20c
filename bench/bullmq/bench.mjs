// The BullMQ baseline of fabu-bench: a Worker that POSTs statuses/share.json for each job, and a
// producer in a process of its own (this file, run with --produce) that queues one job per
// (release, account). The worker prints one JSON line with what it measured: its own CPU only, as
// fabud's CPU does not include the press office's system that queues releases.
// Run by `fabu-bench --scenarios bullmq` (after `npm ci` in this folder).
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Queue, Worker } from 'bullmq';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
function text(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}
const redisPort = option('redis-port', 6379);
const apiBase = new URL(text('api-base', 'http://127.0.0.1:8791/2/'));  // as fabud's api_base
const caFile = text('ca-file', '');  // the certificate to trust for an https:// api-base
const releases = option('releases', 10000);
const accounts = option('accounts', 500);
const perRelease = option('per-release', 10);
const concurrency = option('concurrency', 512);
const pace = option('pace', 0);  // jobs per second the producer adds, one release at a time; 0 = at once
const total = releases * perRelease;

const connection = { host: '127.0.0.1', port: redisPort };

async function produce() {
  const queue = new Queue('deliveries', { connection });
  await queue.waitUntilReady();
  const account = (i) => `m${String(i % accounts).padStart(4, '0')}`;
  const step = pace > 0 ? 1 : 100;
  const started = Date.now();
  for (let r = 0; r < releases; r += step) {
    if (pace > 0) {
      const wait = started + (r * perRelease * 1000) / pace - Date.now();
      if (wait > 0) await new Promise((resolve) => { setTimeout(resolve, wait); });
    }
    const jobs = [];
    for (let k = r; k < Math.min(releases, r + step); k++) {
      for (let a = 0; a < perRelease; a++) {
        const id = account(k * perRelease + a);
        jobs.push({
          name: 'share',
          data: {
            token: `bench-token-${id}`,
            status: `第${k}期：市政府新闻办今天举行新闻发布会，介绍全市政务公开工作情况。（${id}单位） https://www.linyi.gov.cn/xw/${k}.html`,
          },
        });
      }
    }
    await queue.addBulk(jobs);
  }
  await queue.close();
}

if (process.argv.includes('--produce')) {
  await produce();
  process.exit(0);
}

const client = apiBase.protocol === 'https:' ? https : http;
// maxFreeSockets: Node closes idle sockets beyond it (256 by default), and each new one is a new TLS handshake.
const agent = new client.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency, ...(caFile ? { ca: readFileSync(caFile) } : {}) });

// The same request fabud's Weibo adapter makes for a member post: form-encoded token and text.
function share(token, status) {
  const body = new URLSearchParams({ access_token: token, status }).toString();
  return new Promise((resolve, reject) => {
    const request = client.request({
      host: apiBase.hostname, port: apiBase.port, path: `${apiBase.pathname}statuses/share.json`, method: 'POST', agent,
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

let completed = 0;
let failed = 0;
const latencies = [];
let finish;
const allDone = new Promise((resolve) => { finish = resolve; });

const worker = new Worker('deliveries', async (job) => share(job.data.token, job.data.status), { connection, concurrency });
await worker.waitUntilReady();
worker.on('completed', (job) => {
  latencies.push(Date.now() - job.timestamp);
  if (++completed + failed === total) finish();
});
worker.on('failed', (job, error) => {
  if (failed++ === 0) console.error(`first failure: ${error.message}`);
  if (completed + failed === total) finish();
});
const started = Date.now();
const cpuStart = process.cpuUsage();
const producer = fork(new URL(import.meta.url), [...process.argv.slice(2), '--produce']);
producer.on('exit', (code) => { if (code !== 0) { console.error(`producer exited ${code}`); process.exit(1); } });
await allDone;

const wallMs = Date.now() - started;
const cpu = process.cpuUsage(cpuStart);
latencies.sort((a, b) => a - b);
const pick = (p) => latencies[Math.max(0, Math.ceil(p * latencies.length) - 1)] ?? 0;
await worker.close();
console.log(JSON.stringify({
  delivered: completed, failed, wall_ms: wallMs, p50_ms: pick(0.5), p99_ms: pick(0.99), cpu_us: cpu.user + cpu.system,
}));
process.exit(0);
