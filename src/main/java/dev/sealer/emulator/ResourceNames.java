package dev.sealer.emulator;

/** Key ids and secret names as the emulated APIs accept them: bare, or in ARN form. */
final class ResourceNames {

    private ResourceNames() {}

    /**
     * A key id or secret name, or its ARN ({@code acs:kms:<region>:<account>:key/<id>} or
     * {@code ...:secret/<name>}), as the real service accepts both: the bare id or name.
     */
    static String withoutArn(String id, String kind) {
        String marker = ":" + kind + "/";
        if (id.startsWith("acs:kms:") && id.contains(marker)) {
            return id.substring(id.indexOf(marker) + marker.length());
        }
        return id;
    }
}
