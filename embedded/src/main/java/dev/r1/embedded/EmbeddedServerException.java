package dev.r1.embedded;

/** An embedded server could not be started or stopped; the message says which and where. */
public class EmbeddedServerException extends RuntimeException {

    public EmbeddedServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
