// Fastify 5 + @fastify/bearer-auth, as its README shows it: registered on the root instance
// (an onRequest hook for every route), `keys` holding the active keys, `errorResponse`
// rendering the contract's envelope. Fastify's https option (HTTP/1.1); with a fourth argument
// `h2`, `http2: true` as well (HTTP/2 only: Node's http2 secure server without allowHTTP1 offers
// only h2 in ALPN).
//
//   INTEROP_KEYS=contract/fixtures/keys.json node app.js PORT cert.pem key.pem [h2]
'use strict';
const fs = require('node:fs');

const [port, cert, key, protocol] = process.argv.slice(2);
const fastify = require('fastify')({
  http2: protocol === 'h2',
  https: { cert: fs.readFileSync(cert), key: fs.readFileSync(key) },
});

// The key store: the public, test-only keys of contract/fixtures/keys.json (active and revoked).
const KEYS = JSON.parse(fs.readFileSync(process.env.INTEROP_KEYS, 'utf8')).keys;
const ENVELOPE = { error: { type: 'authentication_error', code: null, message: 'Invalid API key' } };

fastify.register(require('@fastify/bearer-auth'), {
  keys: new Set(KEYS.filter((k) => k.status === 'active').map((k) => k.key)),
  errorResponse: () => ENVELOPE,
  verifyErrorLogLevel: false,
});

fastify.get('/v1/account', async () => ({
  object: 'account', id: 'acct_mock0001', name: 'Terminus Mock Account', email: 'sdk-tests@example.invalid',
}));
fastify.get('/v1/projects', async () => ({
  object: 'list', data: [{ object: 'project', id: 'prj_mock0001', name: 'Example project' }], has_more: false,
}));
fastify.post('/v1/projects', async (req, reply) => {
  reply.code(201);
  return { object: 'project', id: 'prj_mock0002', name: 'New project' };
});
fastify.get('/v1/projects/:id', async (req) => ({ object: 'project', id: req.params.id, name: 'Example project' }));
fastify.delete('/v1/projects/:id', async (req) => ({ object: 'project', id: req.params.id, deleted: true }));

fastify.listen({ port: Number(port), host: '127.0.0.1' }).catch((err) => {
  console.error(err);
  process.exit(1);
});
