# !!! TRIAL ONLY: NO SECURITY. For kata-qemu-coco-dev, a confidential-containers runtime class without a
# hardware TEE, whose "sample" evidence trustee's default resource policy refuses (trustee 78962cd4,
# kbs/sample_policies/default.rego). This policy releases every resource to every requester, exactly
# like trustee's kbs/sample_policies/allow_all.rego and `kbs-client ... set-resource-policy --allow-all`:
# anyone who can reach the KBS gets the client key, its password, the API token and the signing key.
# Use throw-away credentials and a throw-away KMS key with it, and replace it by resource-policy.rego
# before any real secret is sealed.
package policy

import rego.v1

default allow := false

allow if {
	data.plugin == "resource"
}
