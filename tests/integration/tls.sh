#!/usr/bin/env bash
# https with a self-signed certificate made now: trusted through --ca-file it
# works (no --allow-http needed); untrusted, or trusted for another cert, it is
# refused as a TLS error (exit 4) before any byte of the file is sent.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || fail "openssl not installed"
mkcert() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$1.key" -out "$1.pem" 2>/dev/null ||
    fail "openssl req failed"
}
mkcert "$WORK/server"
mkcert "$WORK/other"
start_emulator --tls-cert "$WORK/server.pem" --tls-key "$WORK/server.key"
CURL_TLS=(--cacert "$WORK/server.pem")
case $EMU_URL in https://*) ;; *) fail "emulator is not serving https: $EMU_URL" ;; esac
make_file "$WORK/f" 5000000

run_cli trusted --json --graph-base "$GRAPH" --ca-file "$WORK/server.pem" "$WORK/f" message:MSG-T
expect_rc 0 "trusted self-signed"
ID=$(json_str "$OUT" id)
[ "$(sha_of_id "$ID")" = "$(sha "$WORK/f")" ] || fail "https upload stored other bytes"
# Small files as one request over TLS: the POST's base64 body and the drive PUT.
make_file "$WORK/small" 100000
for target in message:MSG-T drive:root/tls-small.bin; do
  run_cli "trusted-small-${target%%:*}" --json --graph-base "$GRAPH" --ca-file "$WORK/server.pem" "$WORK/small" "$target"
  expect_rc 0 "trusted self-signed, small file to $target"
  [ "$(sha_of_id "$(json_str "$OUT" id)")" = "$(sha "$WORK/small")" ] || fail "https: $target stored other bytes"
done
counter_is attachment_posts 1 && counter_is simple_puts 1 || fail "https: small files not sent as one request"

creates=$(counter creates)
run_cli untrusted --graph-base "$GRAPH" --max-retries 0 "$WORK/f" message:MSG-T
expect_rc 4 "untrusted certificate"
grep -q "TLS error" "$ERR" || fail "untrusted line: $(cat "$ERR")"
run_cli wrong-ca --graph-base "$GRAPH" --max-retries 0 --ca-file "$WORK/other.pem" "$WORK/f" message:MSG-T
expect_rc 4 "certificate of another CA"
grep -q "TLS error" "$ERR" || fail "wrong-ca line: $(cat "$ERR")"
counter_is creates "$creates" || fail "a request went through an untrusted connection"
run_cli untrusted-small --graph-base "$GRAPH" --max-retries 0 "$WORK/small" message:MSG-T
expect_rc 4 "untrusted certificate, small file"
counter_is attachment_posts 1 || fail "a POST went through an untrusted connection"
expect_no_violations tls

# http:// to the same host without --allow-http is refused locally.
run_cli plain-http --graph-base "http://127.0.0.1:9/v1.0" "$WORK/f" message:MSG-T
expect_rc 2 "http without --allow-http"
grep -q "https required" "$ERR" || fail "http line: $(cat "$ERR")"
check_no_leak
note "ok"
