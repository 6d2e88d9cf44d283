package dev.sealer.functions;

/**
 * How a call reached a function: plain HTTP ({@code POST /seal}, ...), a CloudEvent (binary or
 * structured mode, dispatched by its type), or Function Compute's {@code POST /invoke}.
 */
public enum EntryPoint {
    HTTP("plain HTTP"),
    CLOUD_EVENT("CloudEvents"),
    FUNCTION_COMPUTE("Function Compute's /invoke");

    private final String description;

    EntryPoint(String description) {
        this.description = description;
    }

    @Override
    public String toString() {
        return description;
    }
}
