package dev.sealer.functions;

/**
 * How a call reached a function: plain HTTP ({@code POST /seal}, ...), a CloudEvent (binary or
 * structured mode, dispatched by its type), Function Compute's {@code POST /invoke}, or the {@code tee}
 * profile's loopback listener. What a credential allows is decided per entry point ({@link TokenScope}).
 */
public enum EntryPoint {
    HTTP("plain HTTP", "http"),
    CLOUD_EVENT("CloudEvents", "events"),
    FUNCTION_COMPUTE("Function Compute's /invoke", "fc"),
    LOOPBACK("the loopback listener", "loopback");

    private final String description;
    private final String wireName;

    EntryPoint(String description, String wireName) {
        this.description = description;
        this.wireName = wireName;
    }

    /** The name the audit trail and the traces use: {@code http}, {@code events}, {@code fc}, {@code loopback}. */
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return description;
    }
}
