#!/usr/bin/env bash
# Chaos soak (issue 10 item 3): many uploads of random size and flavor against
# one emulator injecting random faults (--fault-rate P --seed S, random kinds).
# Every upload must end either with the emulator holding exactly the file
# (sha256) or with a typed failure: exit 3/4 and an "error" member in --json.
# Never exit 0 with other bytes, never a crash, never a hang (per-run timeout).
# Env: RANGEUP_SOAK_UPLOADS (default 40), RANGEUP_SOAK_SEED, RANGEUP_SOAK_MAX_MIB (12).
. "$(dirname "$0")/../integration/lib.sh"
TEST_NAME=soak
UPLOADS=${RANGEUP_SOAK_UPLOADS:-40}
SEED=${RANGEUP_SOAK_SEED:-$((RANDOM * 32768 + RANDOM))}
MAX_MIB=${RANGEUP_SOAK_MAX_MIB:-12}
RANDOM=$SEED   # sizes, flavors and the fault mix follow the seed too
RATE=$(printf '0.%02d' $((5 + RANDOM % 20)))   # 0.05 .. 0.24 of upload PUTs get a fault
ALL_KINDS=(500 503 429 drop lost slow 404 416)
KINDS=""
for k in "${ALL_KINDS[@]}"; do
  [ $((RANDOM % 3)) = 0 ] || KINDS=${KINDS:+$KINDS,}$k
done
[ -n "$KINDS" ] || KINDS=drop,lost
note "seed $SEED, fault rate $RATE, kinds $KINDS, $UPLOADS uploads of 1..$MAX_MIB MiB"
EMU_IDLE_EXIT=120
start_emulator --fault-rate "$RATE" --seed "$SEED" --fault-kinds "$KINDS" --retry-after 0 --slow-ms 300

ok=0 typed=0 retries=0 restarts=0 bytes=0
flavors=(message drive todo print event)
started=$(date +%s)
for i in $(seq 1 "$UPLOADS"); do
  size=$(((1 + RANDOM % MAX_MIB) * 1048576 - 4096 + RANDOM % 8192))
  f=$WORK/soak-$i.bin
  make_file "$f" "$size"
  flavor=${flavors[$((RANDOM % ${#flavors[@]}))]}
  case $flavor in
    message) target=message:MSG-$i ;;
    event) target=event:EV-$i ;;
    drive) target=drive:root/soak-$i.bin ;;
    todo) target=todo:L/T-$i ;;
    print) target=print:P/J/D-$i ;;
  esac
  run_cli "u$i" --json --allow-http --graph-base "$GRAPH" --max-retries 10 --timeout 30 "$f" "$target"
  case $RC in
    0)
      id=$(json_str "$OUT" id)
      if [ "$flavor" = print ]; then stored=$(sha_of_print "soak-$i.bin"); else stored=$(sha_of_id "$id"); fi
      [ "$stored" = "$(sha "$f")" ] || fail "upload $i ($flavor, $size B): exit 0 but the stored sha256 differs"
      ok=$((ok + 1))
      retries=$((retries + $(json_num "$OUT" retries)))
      restarts=$((restarts + $(json_num "$OUT" restarts)))
      bytes=$((bytes + size))
      ;;
    3 | 4)
      grep -q '"error":"[^"]' "$OUT" || fail "upload $i ($flavor): exit $RC without a JSON error: $(cat "$OUT")"
      note "upload $i ($flavor, $size B): typed failure, exit $RC: $(json_str "$OUT" error)"
      typed=$((typed + 1))
      ;;
    *) fail "upload $i ($flavor, $size B): exit $RC (crash, hang or usage error)" ;;
  esac
  rm -f "$f"
done
faults=$(counter faults_injected)
# The emulator's strictness: nothing but the re-sends a withheld answer causes.
bad=$(violations | grep -o '"kind":"[a-z_]*"' | grep -v range_already_received | sort | uniq -c)
[ -z "$bad" ] || fail "protocol violations: $bad"
check_no_leak
# Small files go as one request (attachments < 3 000 000 bytes: POST; drive <= 4 MiB: PUT;
# docs/PROTOCOL.md O3, T4, D7), the rest in sessions: the soak covers both under faults.
note "RESULT uploads $UPLOADS: ok $ok, typed failures $typed; faults injected $faults (survived by the ok uploads: retries $retries, restarts $restarts); $((bytes / 1048576)) MiB verified in $(($(date +%s) - started)) s; sessions $(counter creates), attachment POSTs $(counter attachment_posts), drive PUTs $(counter simple_puts); seed $SEED"
[ "$faults" -ge 1 ] || [ "$UPLOADS" -lt 10 ] || fail "no fault was injected"
[ "$ok" -ge 1 ] || fail "no upload succeeded"
