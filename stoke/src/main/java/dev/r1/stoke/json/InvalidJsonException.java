package dev.r1.stoke.json;

/** Input that is not I-JSON (RFC 7493): the bytes are refused, never repaired. */
public final class InvalidJsonException extends RuntimeException {
    public InvalidJsonException(String message) {
        super(message);
    }

    public InvalidJsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
