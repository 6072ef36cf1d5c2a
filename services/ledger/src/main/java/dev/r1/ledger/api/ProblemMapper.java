package dev.r1.ledger.api;

import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Writes a {@link Problem} as {@code application/problem+json}. Only the ledger's own exception type is mapped. */
public class ProblemMapper {
    @ServerExceptionMapper
    public Response map(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem.body()).build();
    }
}
