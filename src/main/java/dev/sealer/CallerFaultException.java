package dev.sealer;

/**
 * The request, or the sealed secret it carries, is wrong: answered with a 4xx status. Retrying the
 * same request cannot succeed. See {@link SealerException} for what a message may contain.
 */
public non-sealed class CallerFaultException extends SealerException {

    public CallerFaultException(ErrorCode errorCode, String message) {
        this(errorCode, message, null, null);
    }

    public CallerFaultException(ErrorCode errorCode, String message, String detail, Throwable cause) {
        super(requireCallerCode(errorCode), message, detail, cause);
    }

    private static ErrorCode requireCallerCode(ErrorCode code) {
        if (!code.isCallerFault()) {
            throw new IllegalArgumentException(code + " is a service fault, not a caller fault");
        }
        return code;
    }
}
