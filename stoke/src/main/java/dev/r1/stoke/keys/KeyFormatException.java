package dev.r1.stoke.keys;

/** A key file that is not an Ed25519 key in the expected PEM form. */
public final class KeyFormatException extends RuntimeException {
    public KeyFormatException(String message) {
        super(message);
    }

    public KeyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
