"""A WebSocket client for the end-to-end tests, on Python's websockets: it
plays one scenario against a URL and prints what happened as JSON.

    python3 client.py URL SCENARIO [PROTOCOL,PROTOCOL...]

Scenarios: echo, base64, ping, close, receive (as client.mjs).
"""
import asyncio
import base64
import hashlib
import json
import sys

import websockets


def pattern(n, seed):
    return bytes((i * 31 + seed) & 0xFF for i in range(n))


async def play(url, scenario, protocols, out):
    try:
        async with websockets.connect(url, subprotocols=protocols, max_size=None,
                                      ping_interval=None, compression=None) as ws:
            out["protocol"] = ws.subprotocol
            if scenario == "echo":
                sent, got, total = hashlib.sha256(), hashlib.sha256(), 0
                chunk = pattern(1 << 20, 7)
                messages = [pattern(1, 0), pattern(65536, 1), pattern(4 << 20, 2)] + [chunk] * 16
                async def reader():
                    n = 0
                    while n < sum(len(m) for m in messages):
                        m = await ws.recv()
                        got.update(m)
                        n += len(m)
                    return n
                task = asyncio.create_task(reader())
                for m in messages:
                    sent.update(m)
                    total += len(m)
                    await ws.send(m)
                out["received"] = await task
                out["sent"] = total
                out["match"] = sent.digest() == got.digest()
                await ws.close(1000, "done")
            elif scenario == "base64":
                text = base64.b64encode(b"RFB 003.008\n").decode()
                await ws.send(text)
                out["echo"] = await ws.recv()
                await ws.close()
            elif scenario == "ping":
                pong = await ws.ping(b"tick")
                await pong
                out["pong"] = "tick"
                await ws.close()
            elif scenario == "close":
                await ws.close(4001, "bye")
            elif scenario == "receive":
                h, n = hashlib.sha256(), 0
                try:
                    async for m in ws:
                        h.update(m if isinstance(m, bytes) else m.encode())
                        n += len(m)
                except websockets.exceptions.ConnectionClosed:
                    pass
                out["received"] = n
                out["sha256"] = h.hexdigest()
            out["closeCode"] = ws.close_code
            out["closeReason"] = ws.close_reason
    except websockets.exceptions.InvalidStatusCode as e:
        out["status"] = e.status_code
    except Exception as e:  # reported, not raised: the test reads the JSON
        out["error"] = repr(e)


def main():
    url, scenario = sys.argv[1], sys.argv[2]
    protocols = sys.argv[3].split(",") if len(sys.argv) > 3 and sys.argv[3] else None
    out = {"scenario": scenario}
    asyncio.run(asyncio.wait_for(play(url, scenario, protocols, out), 60))
    print(json.dumps(out))


main()
