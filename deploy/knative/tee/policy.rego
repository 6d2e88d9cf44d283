# Agent policy of the sealer's confidential pod, carried in initdata (deploy/knative/TEE.md explains every
# rule and what it leaves open). The kata agent evaluates data.agent_policy.<Request> for every request the
# host's runtime sends; a request whose rule is false or undefined is refused (kata-containers 7c6ba40c,
# src/agent/policy/src/policy.rs). Request names and input fields are those of kata's own generated policies
# (src/tools/genpolicy/rules.rego at the same commit).
#
# This is the baseline that ships with the project. For production, generate the full policy with kata's
# genpolicy from the pod Knative creates and keep the refusals below (TEE.md "A policy from genpolicy").
# The pins of the sealer container are in policy_data at the end (the one place to edit; it must stay the
# last thing in this file: trustee reads it as the agent_policy_claims of the EAR token).
package agent_policy

import future.keywords.every
import future.keywords.if
import future.keywords.in

# ---- Refused: what would let the host into the guest or change this policy ------------------------------
default ExecProcessRequest := false          # kubectl exec, exec probes: a shell in the sealer reads everything
default ReadStreamRequest := false           # the containers' stdout/stderr to the host (kubectl logs)
default WriteStreamRequest := false          # stdin of a process
default CloseStdinRequest := false
default SetPolicyRequest := false            # replacing this policy at run time
default GetDiagnosticDataRequest := false
default StartTracingRequest := false
default StopTracingRequest := false
default PauseContainerRequest := false
default ResumeContainerRequest := false
default UpdateContainerRequest := false
default UpdateEphemeralMountsRequest := false
default SetGuestDateTimeRequest := false     # the clock decides token and JWT expiry
default ReseedRandomDevRequest := false
default AddSwapRequest := false
default AddSwapPathRequest := false
default ResizeVolumeRequest := false
default VolumeStatsRequest := false
default GetIPTablesRequest := false
default SetIPTablesRequest := false

# ---- Allowed as they come: life cycle and read-only requests ----------------------------------------------
default CreateSandboxRequest := true
default DestroySandboxRequest := true
default StartContainerRequest := true
default RemoveContainerRequest := true
default WaitProcessRequest := true
default SignalProcessRequest := true
default StatsContainerRequest := true
default GetMetricsRequest := true
default GetOOMEventRequest := true
default GuestDetailsRequest := true
default ListInterfacesRequest := true
default ListRoutesRequest := true
default OnlineCPUMemRequest := true
default MemHotplugByProbeRequest := true
default MemAgentCompactConfig := true
default MemAgentMemcgConfig := true
default RemoveStaleVirtiofsShareMountsRequest := true
default TtyWinResizeRequest := true

# ---- Allowed with conditions -------------------------------------------------------------------------------
default CopyFileRequest := false
default CreateContainerRequest := false
default UpdateInterfaceRequest := false
default UpdateRoutesRequest := false
default AddARPNeighborsRequest := false

# CopyFile: without a shared file system (shared_fs = "none" in the CoCo runtime classes) the runtime copies
# every file a container mounts (Secret volumes, /etc/hosts, /etc/resolv.conf, the service-account token)
# into this directory; nowhere else, no "..", and only relative symlinks below the top level (as genpolicy).
shared_files := "^/run/kata-containers/shared/containers(?:/passthrough)?/(watchable/)?[a-z0-9]{64}-[a-z0-9]{16}-"

CopyFileRequest if {
    input.file_type in {"Regular", "Directory"}
    no_traversal(input.path)
    regex.match(shared_files, input.path)
}

CopyFileRequest if {
    input.file_type == "Symlink"
    no_traversal(input.path)
    regex.match(concat("", [shared_files, ".*/.+"]), input.path)
    no_traversal(input.symlink_target)
    not startswith(input.symlink_target, "/")
}

no_traversal(path) if {
    not regex.match("(^|/)\\.\\.($|/)", path)
}

# Networking: the host sets up the pod's interfaces and routes, but may not touch loopback. The sealer's
# clear-text listener is bound to 127.0.0.1 and relies on loopback never leaving the guest.
UpdateInterfaceRequest if {
    input.interface.name != "lo"
}

UpdateRoutesRequest if {
    every route in input.routes.Routes {
        route.device != "lo"
        not regex.match("^127\\.", route.source)
        not regex.match("^127\\.", route.dest)
    }
}

AddARPNeighborsRequest if {
    every neighbor in input.neighbors.ARPNeighbors {
        neighbor.device != "lo"
        not regex.match("^127\\.", neighbor.toIPAddress.address)
    }
}

# Containers: the pod's sandbox (pause), and the containers of policy_data (the sealer and Knative's
# queue-proxy), each by name, image (by digest), arguments, user and the values of its pinned variables.
# Any other container (a sidecar a webhook injects) is refused: every container of the pod can read every
# KBS resource released to the pod through the guest's resource API (127.0.0.1:8006).
CreateContainerRequest if {
    input.OCI.Annotations["io.kubernetes.cri.container-type"] == "sandbox"
    input.OCI.Process.Args == ["/pause"]
}

CreateContainerRequest if {
    input.OCI.Annotations["io.kubernetes.cri.container-type"] == "container"
    some pinned in policy_data.containers
    input.OCI.Annotations["io.kubernetes.cri.container-name"] == pinned.name
    input.OCI.Annotations["io.kubernetes.cri.image-name"] == pinned.image
    every storage in input.storages {
        pulls_only(storage, pinned.image)
    }
    allowed_args(pinned, input.OCI.Process.Args)
    allowed_user(pinned, input.OCI.Process.User)
    input.OCI.Process.NoNewPrivileges == true
    every mount in input.OCI.Mounts {
        allowed_mount(pinned, mount.destination)
    }
    every variable in input.OCI.Process.Env {
        allowed_env(pinned, variable)
    }
    every required in pinned.env {
        required in input.OCI.Process.Env
    }
}

pulls_only(storage, image) if {
    storage.driver != "image_guest_pull"
}

pulls_only(storage, image) if {
    storage.driver == "image_guest_pull"
    contains(storage.source, sprintf("\"io.kubernetes.cri.image-name\":\"%s\"", [image]))
}

# Without "args" the image's own entry point runs (queue-proxy's is pinned with its image's digest).
allowed_args(pinned, args) if {
    not pinned.args
}

allowed_args(pinned, args) if {
    args == pinned.args
}

allowed_args(pinned, args) if {
    count(args) > count(pinned.args)
    array.slice(args, 0, count(pinned.args)) == pinned.args
    every extra in array.slice(args, count(pinned.args), count(args)) {
        extra in pinned.opt_in_args
    }
}

# No mount but the runtime's own and the container's volumes: a mount over the entry point or the JDK would
# run the host's code in the guest.
allowed_mount(pinned, destination) if {
    destination in policy_data.runtime_mounts
}

allowed_mount(pinned, destination) if {
    destination in pinned.mounts
}

allowed_user(pinned, user) if {
    not pinned.uid
}

allowed_user(pinned, user) if {
    user.UID == pinned.uid
}

# A variable whose name is pinned must be exactly one of the container's "env"; JVM option variables are
# refused everywhere; the others (PATH, HOSTNAME, Knative's PORT and K_*, ...) pass.
allowed_env(pinned, variable) if {
    not pinned_name(pinned, variable)
    not forbidden_name(variable)
}

allowed_env(pinned, variable) if {
    pinned_name(pinned, variable)
    variable in pinned.env
}

pinned_name(pinned, variable) if {
    some prefix in pinned.pinned_env_prefixes
    startswith(variable, prefix)
}

forbidden_name(variable) if {
    some name in policy_data.forbidden_env
    startswith(variable, concat("", [name, "="]))
}

policy_data := {
  "forbidden_env": ["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "JAVA_OPTS", "JAVA_OPTS_APPEND"],
  "runtime_mounts": ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup", "/etc/hosts",
                     "/etc/hostname", "/etc/resolv.conf", "/dev/termination-log",
                     "/var/run/secrets/kubernetes.io/serviceaccount"],
  "containers": [
    {
      "name": "sealer",
      "image": "registry.example.com/sealer/aliyun-kms-sealer@sha256:0000000000000000000000000000000000000000000000000000000000000000",
      "uid": 185,
      "args": ["/usr/local/bin/sealer-tee"],
      "opt_in_args": [],
      "mounts": ["/run/confidential-containers/cdh/kbs/kms-credential/aliyun", "/etc/sealer/signing", "/etc/sealer/api-token"],
      "pinned_env_prefixes": ["SEALER_", "SEALED_SECRET_", "ALIYUN_", "QUARKUS_"],
      "env": [
        "QUARKUS_PROFILE=tee",
        "ALIYUN_KMS_INSTANCE_ID=kst-replace-me",
        "ALIYUN_KMS_CLIENT_KEY_ID=KAAP.replace-me",
        "ALIYUN_KMS_KEY_ID=key-replace-me",
        "SEALER_API_TOKEN_FILE=/etc/sealer/api-token/token",
        "SEALER_TEE_UNSEAL_RECIPIENT=kbs:///default/sealer/unseal-recipient",
        "SEALED_SECRET_SIGNING_JWK_FILE=/etc/sealer/signing/signing-key.jwk",
        "SEALED_SECRET_SIGNING_KID=kbs:///default/sealed-secret/sealer-signing-key",
        "SEALED_SECRET_SIGNING_OPTIONAL=true"
      ]
    },
    {
      "name": "queue-proxy",
      "image": "gcr.io/knative-releases/knative.dev/serving/cmd/queue@sha256:0000000000000000000000000000000000000000000000000000000000000000",
      "mounts": [],
      "pinned_env_prefixes": ["USER_PORT="],
      "env": ["USER_PORT=8080"]
    }
  ]
}
