/**
 * The HTTP client tells the page how the connection stands (engine/api/http-client.ts): online while the host
 * answers, 'offline' the moment the event stream drops or a call cannot connect, 'ended' when the host refuses the
 * token (401). Against the real serve binding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpClient, currentConnection, onConnectionChange, type ConnectionState } from '../../engine/api/http-client.js';
import { serveBinding } from './fixtures.js';

test('connection state: online, offline as soon as the host stops, ended when the token is refused', async () => {
  const b = await serveBinding();
  const http = b.http;
  assert.ok(http, 'the serve binding has an HTTP host');
  const seen: ConnectionState[] = [];
  const stop = onConnectionChange((s) => seen.push(s));
  const stranger = createHttpClient({ baseUrl: http.url, token: 'f'.repeat(64) });
  try {
    await b.api.workspace.info();
    assert.equal(currentConnection(), 'online');
    await assert.rejects(stranger.workspace.info(), /token/);
    assert.equal(currentConnection(), 'ended', 'a 401 means this session ended');
    await b.api.workspace.info();
    assert.equal(currentConnection(), 'online');
    // Subscribing opens the event stream; closing the server drops it.
    const sub = b.api.on('workspace.didChange', () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    const dropped = new Promise<void>((resolve) => {
      const off = onConnectionChange((s) => s === 'offline' && (off(), resolve()));
    });
    const started = Date.now();
    const closing = http.close();
    await dropped;
    await closing;
    assert.ok(Date.now() - started < 2000, `offline reported after ${Date.now() - started} ms`);
    await assert.rejects(b.api.workspace.info(), /E_INTERNAL|fetch failed|ECONNREFUSED/);
    assert.equal(currentConnection(), 'offline');
    sub.dispose();
    assert.deepEqual(seen.slice(0, 3), ['ended', 'online', 'offline']);
  } finally {
    stop();
    await b.close(); // closing the closed server again is harmless
  }
});
