// The floor for any Node client in the download case: undici through the same proxy (EnvHttpProxyAgent reads
// HTTPS_PROXY, as electrum-verify's dispatcher does), GET the file, count the bytes, discard them. No hashing,
// no disk, no signature. Prints {"ok":true} when every byte arrived.
import { EnvHttpProxyAgent } from 'undici';

const url = new URL(process.argv[2]);
const expected = Number(process.argv[3]);
const dispatcher = new EnvHttpProxyAgent({
  connect: { rejectUnauthorized: true },
  requestTls: { rejectUnauthorized: true },
});
const res = await dispatcher.request({ origin: url.origin, path: url.pathname, method: 'GET' });
let n = 0;
for await (const chunk of res.body) n += chunk.length;
await dispatcher.close();
console.log(JSON.stringify({ ok: res.statusCode === 200 && n === expected }));
