package dev.r1.ledger.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem detail, thrown by the ledger's resources and written as
 * {@code application/problem+json} by {@link ProblemMapper}.
 */
public final class Problem extends RuntimeException {
    public static final String MEDIA_TYPE = "application/problem+json";

    private final int status;
    private final String title;

    public Problem(Response.Status status, String detail) {
        this(status.getStatusCode(), status.getReasonPhrase(), detail);
    }

    public Problem(int status, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
    }

    public static Problem notFound(String detail) {
        return new Problem(Response.Status.NOT_FOUND, detail);
    }

    public static Problem badRequest(String detail) {
        return new Problem(Response.Status.BAD_REQUEST, detail);
    }

    public int status() {
        return status;
    }

    public Body body() {
        return new Body("about:blank", title, status, getMessage());
    }

    /** The JSON members: type, title, status, detail. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Body(String type, String title, int status, String detail) {}
}
