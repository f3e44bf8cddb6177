#!/bin/sh
# Verifies a govit audit export with stock OpenSSL 3 and coreutils only; run it inside the export folder.
# 1. Every event: SM3(previous hash || event bytes) must equal the next event's previous hash, from 32 zero
#    bytes (genesis.bin) on.  2. Every checkpoint: its SM2 signature (distinguishing ID 1234567812345678)
#    must verify with public-key.pem, and the head it names must be the computed hash at its event.
set -eu
export LC_ALL=C
prev=genesis.bin
n=0
computed=$(mktemp)
trap 'rm -f "$computed" "$computed.next"' EXIT
for seq in $(cut -f1 chain.tsv | tail -n +2); do
  cmp -s "$prev" "events/$seq.prev" || { echo "FAIL event $seq: previous hash does not match the hash of event $((seq - 1))"; exit 1; }
  cat "events/$seq.prev" "events/$seq.json" | openssl dgst -sm3 -binary > "$computed.next"
  mv "$computed.next" "$computed"
  hex=$(od -An -v -tx1 "$computed" | tr -d ' \n')
  listed=$(awk -F '\t' -v s="$seq" '$1 == s { print $3 }' chain.tsv)
  [ "$hex" = "$listed" ] || { echo "FAIL event $seq: SM3 is $hex, chain.tsv says $listed"; exit 1; }
  cp "$computed" "hash.$seq.bin"
  prev="hash.$seq.bin"
  n=$((n + 1))
done
for seq in $(cut -f1 checkpoints.tsv | tail -n +2); do
  openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -digest sm3 -pkeyopt distid:1234567812345678 \
    -in "checkpoints/$seq.txt" -sigfile "checkpoints/$seq.sig" > /dev/null \
    || { echo "FAIL checkpoint $seq: SM2 signature does not verify"; exit 1; }
  head=$(sed -n 's/^head=//p' "checkpoints/$seq.txt")
  [ -f "hash.$seq.bin" ] || { echo "FAIL checkpoint $seq: the export has fewer events than the checkpoint"; exit 1; }
  actual=$(od -An -v -tx1 "hash.$seq.bin" | tr -d ' \n')
  [ "$head" = "$actual" ] || { echo "FAIL checkpoint $seq: signed head $head, computed $actual"; exit 1; }
done
rm -f hash.*.bin
echo "OK: $n events chained, $(($(wc -l < checkpoints.tsv) - 1)) checkpoints verified"
