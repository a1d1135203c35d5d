// The Terminus Hub Public API on Go's net/http alone: an authentication middleware wrapped
// around the ServeMux (so it runs before routing), ListenAndServeTLS (HTTP/2 and HTTP/1.1
// through ALPN, as the standard library does by default).
//
//	go run . -addr 127.0.0.1:8443 -cert cert.pem -key key.pem -keys contract/fixtures/keys.json
//
// -close adds `Connection: close` to every response (a common proxy-era habit; on HTTP/2 Go
// turns it into a GOAWAY after the response).
package main

import (
	"crypto/subtle"
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"os"
	"strings"
)

type keyFile struct {
	Keys []struct {
		Key    string `json:"key"`
		Status string `json:"status"`
	} `json:"keys"`
}

var envelope = []byte(`{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}`)

// requireKey refuses every request without an active key, before the mux sees it.
func requireKey(active []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		token := strings.TrimPrefix(auth, "Bearer ")
		for _, k := range active {
			if token != auth && subtle.ConstantTimeCompare([]byte(token), []byte(k)) == 1 {
				next.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(envelope)
	})
}

// connectionClose sets `Connection: close` on every response.
func connectionClose(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
}

func routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/account", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			methodNotAllowed(w, "GET")
			return
		}
		writeJSON(w, 200, map[string]any{"object": "account", "id": "acct_mock0001",
			"name": "Terminus Mock Account", "email": "sdk-tests@example.invalid"})
	})
	mux.HandleFunc("/v1/projects", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, map[string]any{"object": "list", "has_more": false,
				"data": []any{map[string]any{"object": "project", "id": "prj_mock0001", "name": "Example project"}}})
		case http.MethodPost:
			writeJSON(w, 201, map[string]any{"object": "project", "id": "prj_mock0002", "name": "New project"})
		default:
			methodNotAllowed(w, "GET, POST")
		}
	})
	mux.HandleFunc("/v1/projects/", func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/v1/projects/")
		if id == "" || strings.Contains(id, "/") {
			http.NotFound(w, r)
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, map[string]any{"object": "project", "id": id, "name": "Example project"})
		case http.MethodDelete:
			writeJSON(w, 200, map[string]any{"object": "project", "id": id, "deleted": true})
		default:
			methodNotAllowed(w, "GET, DELETE")
		}
	})
	return mux
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8443", "listen address")
	cert := flag.String("cert", "cert.pem", "TLS certificate")
	key := flag.String("key", "key.pem", "TLS key")
	keys := flag.String("keys", "keys.json", "the key store (contract/fixtures/keys.json)")
	closeAll := flag.Bool("close", false, "set Connection: close on every response")
	flag.Parse()

	raw, err := os.ReadFile(*keys)
	if err != nil {
		log.Fatal(err)
	}
	var store keyFile
	if err := json.Unmarshal(raw, &store); err != nil {
		log.Fatal(err)
	}
	var active []string
	for _, k := range store.Keys {
		if k.Status == "active" {
			active = append(active, k.Key)
		}
	}

	var handler http.Handler = requireKey(active, routes())
	if *closeAll {
		handler = connectionClose(handler)
	}
	log.Fatal(http.ListenAndServeTLS(*addr, *cert, *key, handler))
}
