# KBS resource policy for PRODUCTION (trustee; deploy/knative/TEE.md "Trustee"). Releases the sealer's
# resources only to a guest that
#   - ran on real TEE hardware (TDX or SEV-SNP evidence; sample evidence, e.g. kata-qemu-coco-dev, is refused),
#   - was affirmed by the attestation service (EAR status "affirming": its firmware, kernel and initrd
#     measurements match the reference values you registered in trustee's RVPS), and
#   - booted with exactly the initdata of deploy/knative/tee/initdata.toml: its KBS URL, its CDH settings and,
#     above all, its agent policy (no exec, no log streams, no policy change, the pinned sealer container).
#     The digest lines below are written by make-initdata.sh; any change to the initdata changes them.
# Input as trustee 78962cd4 gives it (kbs/sample_policies/default.rego; attestation-service
# src/ear_token/broker.rs transform_claims): the EAR token's claims in input.submods.cpu0, the TEE's
# claims under annotated-evidence.tdx / .snp, the verified initdata digest as annotated-evidence.init_data
# (TDX mr_config_id, SNP host_data, hex), the resource path in data["resource-path"].
# Store it with: kbs-client --url <kbs> config --admin-token-file <token> set-resource-policy --policy-file resource-policy.rego
package policy

import rego.v1

default allow := false

tdx_init_data := "798bfd9040d4b3cca6f52e039c6a8579a994638e15aaf5e2afad3d4c390ce24500000000000000000000000000000000"
snp_init_data := "798bfd9040d4b3cca6f52e039c6a8579a994638e15aaf5e2afad3d4c390ce245"

# The resources of deploy/knative/TEE.md (repository "default"); nothing else is released to this pod.
sealer_types := {"aliyun-kms", "sealer", "sealed-secret", "security-policy", "cosign-public-key"}

evidence := input.submods.cpu0["ear.veraison.annotated-evidence"]

sealer_resource if {
	data.plugin == "resource"
	data["resource-path"][0] == "default"
	data["resource-path"][1] in sealer_types
}

affirmed if {
	input.submods.cpu0["ear.status"] == "affirming"
	not evidence.sample
}

allow if {
	sealer_resource
	affirmed
	evidence.tdx
	evidence.init_data == tdx_init_data
}

allow if {
	sealer_resource
	affirmed
	evidence.snp
	evidence.init_data == snp_init_data
}
