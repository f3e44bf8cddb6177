#!/bin/sh
# Checks a govit open data file (政务公开数据集) against its signature with stock OpenSSL 3 and coreutils only:
#   sh verify-open-data.sh projects.csv projects.csv.sig audit-key.pem [KEY_ID]
# Get audit-key.pem, or at least its KEY_ID, through a channel other than the site the data came from (the
# operator's notice): a key fetched beside the data proves only that the site is consistent with itself.
# 0. The .sig is a statement of ten lines in their order, then one signature line, and nothing else; the key is
#    the one the statement names (and KEY_ID, when given).
# 1. The statement verifies with the audit key (SM2 with SM3, distinguishing ID 1234567812345678).
# 2. The audit checkpoint the statement names verifies with the same key.
# 3. The file's SM3 digest and size are those the statement gives: not one byte changed.
set -eu
[ $# -eq 3 ] || [ $# -eq 4 ] || { echo "usage: sh verify-open-data.sh FILE FILE.sig audit-key.pem [KEY_ID]"; exit 2; }
file=$1
sig=$2
key=$3
expected=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ "$(wc -l < "$sig" | tr -d ' ')" = 12 ] || fail "$sig is not a statement of eleven lines and a signature line"
head -n 11 "$sig" > "$work/statement.txt"
tail -n 1 "$sig" > "$work/signature.txt"
names=$(cut -d= -f1 "$work/statement.txt" | tr '\n' ' ')
[ "$names" = "govit-open-data file sm3 bytes rows cut_at checkpoint_seq checkpoint_head checkpoint_signed_at checkpoint_signature key_id " ] \
  || fail "$sig: the statement's lines are not those of a govit data set, in their order"
grep -q '^signature=' "$work/signature.txt" || fail "$sig: the last line is not the signature"
field() { sed -n "s/^$1=//p" "$work/statement.txt"; }
key_id=$(openssl pkey -pubin -in "$key" -outform DER | openssl dgst -sm3 -r | cut -c1-16)
[ "$key_id" = "$(field key_id)" ] || fail "the statement names key $(field key_id), $key is key $key_id"
[ -z "$expected" ] || [ "$key_id" = "$expected" ] || fail "$key is key $key_id, not the published $expected"
sed -n 's/^signature=//p' "$work/signature.txt" | base64 -d > "$work/statement.der"
verify() {
  openssl pkeyutl -verify -pubin -inkey "$key" -rawin -digest sm3 -pkeyopt distid:1234567812345678 \
    -in "$1" -sigfile "$2" > /dev/null 2>&1
}
verify "$work/statement.txt" "$work/statement.der" || fail "the data set's SM2 signature does not verify"
printf 'govit-checkpoint\nseq=%s\nhead=%s\nsigned_at=%s\n' \
  "$(field checkpoint_seq)" "$(field checkpoint_head)" "$(field checkpoint_signed_at)" > "$work/checkpoint.txt"
field checkpoint_signature | base64 -d > "$work/checkpoint.der"
verify "$work/checkpoint.txt" "$work/checkpoint.der" || fail "checkpoint $(field checkpoint_seq) does not verify"
actual=$(openssl dgst -sm3 -r "$file" | cut -d' ' -f1)
[ "$actual" = "$(field sm3)" ] || fail "$file has SM3 $actual, the signature says $(field sm3)"
bytes=$(wc -c < "$file" | tr -d ' ')
[ "$bytes" = "$(field bytes)" ] || fail "$file has $bytes bytes, the signature says $(field bytes)"
echo "OK: $(field file), $(field rows) rows, cut at $(field cut_at), tied to checkpoint $(field checkpoint_seq) (head $(field checkpoint_head)), key $key_id"
