#!/bin/sh
# Builds the initdata of the sealer's confidential pod and writes it where it is used (deploy/knative/TEE.md):
#   1. initdata.toml beside this script: version "0.1.0", algorithm "sha256", and [data] with aa.toml,
#      cdh.toml and policy.rego, each a TOML literal string (the format of kata-containers 7c6ba40c,
#      src/libs/kata-types/src/initdata.rs);
#   2. the annotation io.katacontainers.config.hypervisor.cc_init_data in ../service-tee.yaml: gzip, then
#      standard base64 with padding, on one line, exactly what kata's runtime decodes
#      (src/runtime/pkg/oci/utils.go addHypervisorInitdataOverrides: base64.StdEncoding, gzip, TOML);
#   3. the initdata digest into trustee/resource-policy.rego: kata hashes the decompressed TOML with the
#      named algorithm (sha256) and the TEE carries it padded to its field (TDX mr_config_id: 48 bytes,
#      zero-padded; SNP host_data: 32 bytes), which trustee's verifiers report as the init_data claim (hex).
#
# Usage: make-initdata.sh [policy.rego]   (default: policy.rego beside this script; give genpolicy's output
# to use a generated policy instead). Needs only sh, gzip, base64, sha256sum (or shasum), awk.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
policy=${1:-"$here/policy.rego"}
manifest="$here/../service-tee.yaml"
initdata="$here/initdata.toml"
resource_policy="$here/trustee/resource-policy.rego"

for part in "$here/aa.toml" "$here/cdh.toml" "$policy"; do
    if grep -q "'''" "$part"; then
        echo "make-initdata: $part contains ''' (it cannot be carried in a TOML literal string)" >&2
        exit 1
    fi
done

{
    printf 'version = "0.1.0"\nalgorithm = "sha256"\n\n[data]\n'
    printf '"aa.toml" = '"'''"'\n'
    cat "$here/aa.toml"
    printf "'''\n\n"
    printf '"cdh.toml" = '"'''"'\n'
    cat "$here/cdh.toml"
    printf "'''\n\n"
    printf '"policy.rego" = '"'''"'\n'
    cat "$policy"
    printf "'''\n"
} > "$initdata.tmp"
mv "$initdata.tmp" "$initdata"

# -n: no file name or time in the gzip header, so the same initdata gives the same annotation
annotation=$(gzip -9 -n -c < "$initdata" | base64 | tr -d '\n')

if command -v sha256sum >/dev/null 2>&1; then
    digest=$(sha256sum < "$initdata" | cut -d' ' -f1)
else
    digest=$(shasum -a 256 < "$initdata" | cut -d' ' -f1)
fi
tdx="${digest}00000000000000000000000000000000"

replace() { # file, line prefix, new value: replaces the value of exactly one line
    count=$(grep -c "^$2" "$1" || true)
    if [ "$count" != 1 ]; then
        echo "make-initdata: expected exactly one line starting with '$2' in $1, found $count" >&2
        exit 1
    fi
    awk -v prefix="$2" -v value="$3" 'index($0, prefix) == 1 { print prefix value; next } { print }' "$1" > "$1.tmp"
    mv "$1.tmp" "$1"
}
replace "$manifest" "        io.katacontainers.config.hypervisor.cc_init_data: " "\"$annotation\""
replace "$resource_policy" "tdx_init_data := " "\"$tdx\""
replace "$resource_policy" "snp_init_data := " "\"$digest\""

echo "initdata: $initdata ($(wc -c < "$initdata") bytes), annotation written to $manifest ($(printf %s "$annotation" | wc -c) characters)"
echo "initdata digest sha256 $digest (TDX mr_config_id $tdx, SNP host_data $digest), written to $resource_policy"
