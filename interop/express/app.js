// Express 5 + passport-http-bearer, as their READMEs show them: a BearerStrategy whose verify
// callback looks the token up in the key store, passport.authenticate('bearer', { session:
// false }) in front of every route (app.use, before the router), failWithError so that an
// error handler renders the contract's envelope. Node's https server (HTTP/1.1).
//
//   INTEROP_KEYS=contract/fixtures/keys.json node app.js PORT cert.pem key.pem
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const express = require('express');
const passport = require('passport');
const { Strategy: BearerStrategy } = require('passport-http-bearer');

// The key store: the public, test-only keys of contract/fixtures/keys.json (active and revoked).
const KEYS = JSON.parse(fs.readFileSync(process.env.INTEROP_KEYS, 'utf8')).keys;
const ENVELOPE = { error: { type: 'authentication_error', code: null, message: 'Invalid API key' } };

const sameKey = (a, b) =>
  Buffer.byteLength(a) === Buffer.byteLength(b) && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

passport.use(new BearerStrategy((token, done) => {
  const entry = KEYS.find((k) => k.status === 'active' && sameKey(token, k.key));
  return entry ? done(null, { keyId: entry.id }) : done(null, false);
}));

const app = express();
app.use(passport.authenticate('bearer', { session: false, failWithError: true }));

app.get('/v1/account', (req, res) => res.json({
  object: 'account', id: 'acct_mock0001', name: 'Terminus Mock Account', email: 'sdk-tests@example.invalid',
}));
app.get('/v1/projects', (req, res) => res.json({
  object: 'list', data: [{ object: 'project', id: 'prj_mock0001', name: 'Example project' }], has_more: false,
}));
app.post('/v1/projects', (req, res) => res.status(201).json({ object: 'project', id: 'prj_mock0002', name: 'New project' }));
app.get('/v1/projects/:id', (req, res) => res.json({ object: 'project', id: req.params.id, name: 'Example project' }));
app.delete('/v1/projects/:id', (req, res) => res.json({ object: 'project', id: req.params.id, deleted: true }));

// Authentication failures (passport's AuthenticationError) become the contract's 401 envelope.
app.use((err, req, res, next) => {
  if (err.name === 'AuthenticationError') return res.status(401).json(ENVELOPE);
  return next(err);
});

const [port, cert, key] = process.argv.slice(2);
https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, app)
  .listen(Number(port), '127.0.0.1');
