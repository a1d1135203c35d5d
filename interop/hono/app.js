// Hono + its built-in bearerAuth middleware, as Hono's docs show it: `app.use('*', bearerAuth(...))`
// before the routes, `token` holding the active keys, each refusal's `message` a function that
// returns the contract's envelope with 401 (bearerAuth's own statuses are 401 and, for a value it
// finds malformed, 400). @hono/node-server with Node's https (HTTP/1.1).
//
//   INTEROP_KEYS=contract/fixtures/keys.json node app.js PORT cert.pem key.pem
'use strict';
const fs = require('node:fs');
const https = require('node:https');
const { Hono } = require('hono');
const { bearerAuth } = require('hono/bearer-auth');
const { serve } = require('@hono/node-server');

// The key store: the public, test-only keys of contract/fixtures/keys.json (active and revoked).
const KEYS = JSON.parse(fs.readFileSync(process.env.INTEROP_KEYS, 'utf8')).keys;
const ENVELOPE = { error: { type: 'authentication_error', code: null, message: 'Invalid API key' } };
const refuse = (c) => c.json(ENVELOPE, 401);

const app = new Hono();
app.use('*', bearerAuth({
  token: KEYS.filter((k) => k.status === 'active').map((k) => k.key),
  noAuthenticationHeader: { message: refuse },
  invalidAuthenticationHeader: { message: refuse },
  invalidToken: { message: refuse },
}));

app.get('/v1/account', (c) => c.json({
  object: 'account', id: 'acct_mock0001', name: 'Terminus Mock Account', email: 'sdk-tests@example.invalid',
}));
app.get('/v1/projects', (c) => c.json({
  object: 'list', data: [{ object: 'project', id: 'prj_mock0001', name: 'Example project' }], has_more: false,
}));
app.post('/v1/projects', (c) => c.json({ object: 'project', id: 'prj_mock0002', name: 'New project' }, 201));
app.get('/v1/projects/:id', (c) => c.json({ object: 'project', id: c.req.param('id'), name: 'Example project' }));
app.delete('/v1/projects/:id', (c) => c.json({ object: 'project', id: c.req.param('id'), deleted: true }));

const [port, cert, key] = process.argv.slice(2);
serve({
  fetch: app.fetch,
  port: Number(port),
  hostname: '127.0.0.1',
  createServer: https.createServer,
  serverOptions: { cert: fs.readFileSync(cert), key: fs.readFileSync(key) },
});
