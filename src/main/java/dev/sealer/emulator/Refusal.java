package dev.sealer.emulator;

/**
 * An emulated KMS refusing a request: the HTTP status and the error code the real API answers with
 * (its message goes into the answer too). Thrown inside the emulator's handlers only, without a stack
 * trace: a refusal is an expected answer, not a failure.
 */
final class Refusal extends Exception {
    final int status;
    final String code;

    Refusal(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }
}
