// A WebSocket client for the end-to-end tests, on npm's ws: it plays one
// scenario against a URL and prints what happened as JSON.
//
//   node client.mjs URL SCENARIO [PROTOCOL,PROTOCOL…]
//
// Scenarios: echo (binary messages of several sizes, then 64 MiB streamed,
// all echoed back), base64 (text messages of base64), text (a text message
// in binary mode), ping, close (the client closes with 4001), receive (read
// until the server closes).
import WebSocket from 'ws';
import { createHash } from 'node:crypto';

const [url, scenario, protos] = process.argv.slice(2);
const out = { scenario };
let done = false;
function finish() {
  if (done) return;
  done = true;
  console.log(JSON.stringify(out));
  process.exit(0);
}
setTimeout(() => { out.error = 'timed out'; finish(); }, 60000);

const ws = new WebSocket(url, protos ? protos.split(',') : undefined, { perMessageDeflate: false, maxPayload: 0 });
ws.binaryType = 'nodebuffer';
ws.on('unexpected-response', (req, res) => {
  let body = '';
  res.on('data', (d) => { body += d; });
  res.on('end', () => { out.status = res.statusCode; out.body = body; finish(); });
});
ws.on('error', (e) => { out.error = e.message; });
ws.on('close', (code, reason) => { out.closeCode = code; out.closeReason = reason.toString(); finish(); });

const received = [];
let receivedBytes = 0;
ws.on('message', (data, isBinary) => {
  received.push(isBinary ? data : Buffer.from(data.toString()));
  receivedBytes += data.length;
  out.received = receivedBytes;
});

function pattern(n, seed) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

ws.on('open', async () => {
  out.protocol = ws.protocol;
  switch (scenario) {
    case 'echo': {
      const sent = createHash('sha256');
      let total = 0;
      const send = (b) => new Promise((resolve) => { sent.update(b); total += b.length; ws.send(b, { binary: true }, resolve); });
      for (const [i, n] of [1, 65536, 4 << 20].entries()) await send(pattern(n, i));
      for (let i = 0; i < 64; i++) await send(pattern(1 << 20, 100 + i)); // 64 MiB streamed
      while (receivedBytes < total) await new Promise((r) => setTimeout(r, 10));
      out.sent = total;
      out.match = createHash('sha256').update(Buffer.concat(received)).digest('hex') === sent.digest('hex');
      ws.close(1000, 'done');
      break;
    }
    case 'base64': {
      const text = Buffer.from('RFB 003.008\n').toString('base64');
      ws.send(text);
      while (receivedBytes < text.length) await new Promise((r) => setTimeout(r, 10));
      out.echo = Buffer.concat(received).toString();
      ws.close(1000);
      break;
    }
    case 'text':
      ws.send('typed text');
      setTimeout(() => ws.close(1000), 300);
      break;
    case 'ping':
      ws.on('pong', (data) => { out.pong = data.toString(); ws.close(1000); });
      ws.ping('tick');
      break;
    case 'close':
      ws.close(4001, 'bye');
      break;
    case 'receive':
      ws.removeAllListeners('close');
      ws.on('close', (code, reason) => {
        out.sha256 = createHash('sha256').update(Buffer.concat(received)).digest('hex');
        out.closeCode = code;
        out.closeReason = reason.toString();
        finish();
      });
      break;
    default:
      out.error = 'unknown scenario ' + scenario;
      finish();
  }
});
