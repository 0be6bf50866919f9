#!/usr/bin/env bash
# Content types (issue 16 items 8, 9): inferred from the file name, or given
# with --content-type; print always sends one (PROTOCOL.md P1: the emulator
# refuses a print document without); print-share: targets; Outlook inline
# attachments (--inline --content-id) keep isInline, contentId and the type
# both by POST (small) and by session (>= 3 000 000 bytes).
. "$(dirname "$0")/lib.sh"
start_emulator

# expect_entry LABEL ID FIELD VALUE: in the report's entry for the file upload_ok just stored.
expect_entry() {
  [ "$(entry_get id)" = "$2" ] || fail "$1: the report entry is not $2's: $ENTRY"
  [ "$(entry_get "$3")" = "$4" ] || fail "$1: $3 should be $4: $ENTRY"
}

# Print: x.pdf → application/pdf; a name without extension → application/octet-stream.
make_file "$WORK/x.pdf" 300000
upload_ok print-pdf "$WORK/x.pdf" print:PR-1/JOB-1/DOC-1
[ "$(entry_get contentType)" = application/pdf ] || fail "print x.pdf: $ENTRY"
grep -q '"contentType":"application/pdf"' "$OUT" || fail "print x.pdf: --json contentType: $(cat "$OUT")"
make_file "$WORK/noext" 1000
upload_ok print-noext "$WORK/noext" print:PR-1/JOB-1/DOC-2
[ "$(entry_get contentType)" = application/octet-stream ] || fail "print noext: $ENTRY"
# print-share: the same document through /print/shares/{id}.
cp "$WORK/x.pdf" "$WORK/shared.pdf"
upload_ok print-share "$WORK/shared.pdf" print-share:SHARE-1/JOB-2/DOC-3
[ "$(entry_get contentType)" = application/pdf ] || fail "print-share: $ENTRY"
# --content-type wins over the name.
cp "$WORK/noext" "$WORK/page.txt"
upload_ok print-explicit "$WORK/page.txt" print:PR-1/JOB-1/DOC-4 --content-type application/postscript
[ "$(entry_get contentType)" = application/postscript ] || fail "print --content-type: $ENTRY"

# Attachments: inferred (POST and session) and explicit.
upload_ok message-txt "$WORK/page.txt" message:MSG-CT
expect_entry message-txt "$ID" contentType text/plain
upload_ok todo-pdf "$WORK/x.pdf" todo:L/T-CT
expect_entry todo-pdf "$ID" contentType application/pdf
upload_ok message-explicit "$WORK/x.pdf" message:MSG-CT --content-type application/x-custom
expect_entry message-explicit "$ID" contentType application/x-custom

# Inline images: small by POST (message and event), large by session.
make_file "$WORK/logo.png" 20000
upload_ok inline-small "$WORK/logo.png" message:MSG-INLINE --inline --content-id logo1
expect_entry inline-small "$ID" via post
expect_entry inline-small "$ID" isInline true
expect_entry inline-small "$ID" contentId logo1
expect_entry inline-small "$ID" contentType image/png
upload_ok inline-event "$WORK/logo.png" event:EVT-INLINE --inline --content-id logo2
expect_entry inline-event "$ID" isInline true
expect_entry inline-event "$ID" contentId logo2
make_file "$WORK/banner.png" 3000000
upload_ok inline-large "$WORK/banner.png" message:MSG-INLINE --inline --content-id banner1
expect_entry inline-large "$ID" via session
expect_entry inline-large "$ID" isInline true
expect_entry inline-large "$ID" contentId banner1
expect_entry inline-large "$ID" contentType image/png
# Not inline unless asked.
upload_ok not-inline "$WORK/logo.png" message:MSG-INLINE
expect_entry not-inline "$ID" isInline false
[ -z "$(entry_get contentId)" ] || fail "not-inline: a contentId was sent: $ENTRY"

expect_no_violations content-types
check_no_leak
note "ok"
