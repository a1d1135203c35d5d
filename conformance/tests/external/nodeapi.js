#!/usr/bin/env node
// nodeapi.js PORT CERT KEY MODE: an independent Terminus Hub Public API on Node's https module
// (HTTP/1.1) or http2 module (mode h2: h2 + HTTP/1.1 via allowHTTP1), with one switchable way of
// breaking SPEC.md part 1 or a variation it permits. Keys from TERMINUS_API_KEY and
// TERMINUS_REVOKED_API_KEY. Not part of `make test`.
//
// Modes: correct, h2 (correct, h2 + http/1.1), close (Connection: close), bearer_only
// (WWW-Authenticate: Bearer), naive (req.headers.authorization: Node keeps the first of
// duplicate Authorization fields: HDR-4), trim (value.trim(): NBSP and friends trimmed: KEY-2),
// options (CORS preflight 204 before auth: ROUTE-1), lower (router lowercases paths, auth
// compares exact paths: ROUTE-2), echo (the message quotes the header: ERR-6),
// head_no_ctype (HEAD 401 without Content-Type: ERR-4), revoked_msg (message differs for a
// revoked key: ERR-3/KEY-4), unknown_ok (a 200 for an unknown valid-looking key: KEY-2),
// ratelimit (429 + Retry-After: 1 past 300 requests/s: permitted).
'use strict';
const https = require('https');
const http2 = require('http2');
const fs = require('fs');
const crypto = require('crypto');

const [port, certPath, keyPath, mode = 'correct'] = process.argv.slice(2);
const MODE = new Set(mode.split(','));
const VALID = process.env.TERMINUS_API_KEY || 'thub_testkey';
const REVOKED = process.env.TERMINUS_REVOKED_API_KEY || '';
const ROUTES = [['GET', /^\/v1\/account$/], ['GET', /^\/v1\/projects$/], ['POST', /^\/v1\/projects$/],
  ['GET', /^\/v1\/projects\/[^/]+$/], ['DELETE', /^\/v1\/projects\/[^/]+$/]];
let tokens = 300, last = Date.now();

function same(a, b) {
  const x = Buffer.from(a, 'latin1'), y = Buffer.from(b, 'latin1');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function authValues(req) {
  if (MODE.has('naive') || MODE.has('trim')) {
    const v = req.headers.authorization;
    return v === undefined ? [] : [v];
  }
  const out = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === 'authorization') out.push(req.rawHeaders[i + 1]);
  }
  return out;
}

function authenticate(req) {
  const values = authValues(req);
  if (values.length === 0) return 'missing';
  if (values.length > 1) return 'malformed';
  // Node already removed OWS around the value.
  let value = values[0];
  if (MODE.has('trim')) value = value.trim();
  if (!value.startsWith('Bearer ')) return 'malformed';
  let token = value.slice(7);
  if (MODE.has('trim')) token = token.trim();
  if (REVOKED && same(token, REVOKED)) return 'revoked';
  if (same(token, VALID)) return null;
  if (MODE.has('unknown_ok') && /^thub_[A-Za-z0-9]{32}$/.test(token)) return null;
  return 'unknown';
}

function send(req, res, status, body, headers = {}) {
  const h = Object.assign({}, headers);
  if (MODE.has('close') && req.httpVersionMajor === 1) h['Connection'] = 'close';
  if (body !== null && !(MODE.has('head_no_ctype') && req.method === 'HEAD')) h['Content-Type'] = 'application/json';
  res.writeHead(status, h);
  res.end(body === null || req.method === 'HEAD' ? undefined : body);
}

function handler(req, res) {
  req.resume();
  req.on('end', () => {
    if (MODE.has('ratelimit')) {
      const now = Date.now();
      tokens = Math.min(300, tokens + (now - last) * 0.3); last = now;
      if (tokens < 1) return send(req, res, 429, '{"error":{"type":"rate_limit_error"}}', { 'Retry-After': '1' });
      tokens -= 1;
    }
    const path = (req.url || '/').split('?')[0];
    if (MODE.has('options') && req.method === 'OPTIONS') {
      return send(req, res, 204, null, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'authorization' });
    }
    const routed = MODE.has('lower') ? path.toLowerCase() : path;
    const route = ROUTES.find(([m, p]) => p.test(routed) && (m === req.method || (req.method === 'HEAD' && m === 'GET')));
    if (routed !== path && route) return send(req, res, 200, '{"object":"account"}');
    const cause = authenticate(req);
    if (cause) {
      const env = { error: { type: 'authentication_error', code: null, message: 'Invalid API key' } };
      if (MODE.has('revoked_msg') && cause === 'revoked') env.error.message = 'This API key has been revoked';
      if (MODE.has('echo')) env.error.message = `Invalid API key: ${authValues(req)[0] || ''}`;
      const www = MODE.has('bearer_only') ? 'Bearer' : 'Bearer realm="terminus-hub"';
      return send(req, res, 401, JSON.stringify(env), { 'WWW-Authenticate': www });
    }
    if (!route) {
      const known = ROUTES.some(([, p]) => p.test(routed));
      return send(req, res, known ? 405 : 404, JSON.stringify({ error: { type: known ? 'invalid_request_error' : 'not_found_error', code: null, message: known ? 'Method not allowed' : 'Not found' } }));
    }
    if (req.method === 'DELETE') return send(req, res, 204, null);
    send(req, res, req.method === 'POST' ? 201 : 200, '{"object":"account","id":"acct_node"}');
  });
}

const tls = { cert: fs.readFileSync(certPath), key: fs.readFileSync(keyPath) };
const server = MODE.has('h2')
  ? http2.createSecureServer(Object.assign({ allowHTTP1: true }, tls), handler)
  : https.createServer(tls, handler);
server.listen(Number(port), '127.0.0.1', () => console.error(`nodeapi: https://127.0.0.1:${port} mode ${mode}`));
