#!/usr/bin/env bash
# nginx-variant.sh VARIANT PORT [BACKEND_PORT]: nginx (Debian package) as a target, in the
# foreground, everything under /tmp/terminus-nginx-PORT. Key: TERMINUS_API_KEY (default
# thub_testkey). Variants:
#   exact     the map-and-regex config of bench/nginx-401.sh (a trailing tab is kept in
#             $http_authorization: HDR-2 fails, a genuine nginx-config finding)
#   proxy     h2 + TLS in front of an HTTP/1.1 backend on 127.0.0.1:BACKEND_PORT (pyapi.py with
#             --plain-http): correct, the backend authenticates
#   health    exact, plus `location = /health { return 200; }` (ROUTE-1)
#   prefix    the regex without `$` (`~^Bearer <key>`): extended keys accepted (KEY-2, HDR-1)
set -euo pipefail
VARIANT="$1"; PORT="$2"; BACKEND="${3:-}"
HERE="$(cd "$(dirname "$0")" && pwd)"
CERTS="$("$HERE/gen-certs.sh" "${CERTS_DIR:-/tmp/terminus-external-certs}")"
KEY="${TERMINUS_API_KEY:-thub_testkey}"
RUN="/tmp/terminus-nginx-$PORT"; mkdir -p "$RUN"/{logs,tmp}; chmod -R 0777 "$RUN/tmp"
ENVELOPE='{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}'
ANCHOR='$'; [[ "$VARIANT" == prefix ]] && ANCHOR=''
HEALTH=''; [[ "$VARIANT" == health ]] && HEALTH='location = /health { return 200 "{\"status\":\"ok\"}"; }'
if [[ "$VARIANT" == proxy ]]; then
  LOCATIONS="location / { proxy_pass http://127.0.0.1:${BACKEND:?proxy needs BACKEND_PORT}; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_intercept_errors off; }"
else
  LOCATIONS="$HEALTH
        location / { if (\$ok) { return 200 '{\"ok\":true}'; } return 401 '$ENVELOPE'; }
        location @auth { if (\$ok) { return 200 '{\"ok\":true}'; } return 401 '$ENVELOPE'; }"
fi
cat > "$RUN/nginx.conf" <<CONF
worker_processes 1;
pid $RUN/nginx.pid;
error_log $RUN/logs/error.log warn;
events { worker_connections 1024; }
http {
    types { } default_type application/json; charset off; server_tokens off; access_log off;
    client_body_temp_path $RUN/tmp/b; proxy_temp_path $RUN/tmp/p; fastcgi_temp_path $RUN/tmp/f;
    uwsgi_temp_path $RUN/tmp/u; scgi_temp_path $RUN/tmp/s;
    map \$http_authorization \$ok { "~^Bearer ${KEY}${ANCHOR}" 1; default 0; }
    map \$ok \$www { 1 ""; default "Bearer"; }
    server {
        listen 127.0.0.1:$PORT ssl http2;
        ssl_certificate $CERTS/cert.pem; ssl_certificate_key $CERTS/key.pem;
        client_max_body_size 0;
        $( [[ "$VARIANT" == proxy ]] || echo 'add_header WWW-Authenticate $www always; error_page 405 = @auth;' )
        $LOCATIONS
    }
}
CONF
exec /usr/sbin/nginx -p "$RUN" -e "$RUN/logs/error.log" -c "$RUN/nginx.conf" -g 'daemon off;'
