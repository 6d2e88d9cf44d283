package dev.sealer;

/**
 * The service could not do what a valid request asked (configuration, credentials, the KMS):
 * answered with a 5xx status and logged. See {@link SealerException} for what a message may contain.
 */
public non-sealed class ServiceFaultException extends SealerException {

    public ServiceFaultException(ErrorCode errorCode, String message) {
        this(errorCode, message, null, null);
    }

    public ServiceFaultException(ErrorCode errorCode, String message, String detail, Throwable cause) {
        super(requireServiceCode(errorCode), message, detail, cause);
    }

    private static ErrorCode requireServiceCode(ErrorCode code) {
        if (code.isCallerFault()) {
            throw new IllegalArgumentException(code + " is a caller fault, not a service fault");
        }
        return code;
    }
}
