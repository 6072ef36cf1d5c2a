package dev.r1.planner;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

/**
 * Stands in for the ledger's read API, which shares the /v1 prefix with intake when all
 * services run in one app: both must stay reachable.
 */
@Path("/v1")
public class LedgerLikeResource {
    @GET
    @Path("tasks/{id}")
    public String task(@PathParam("id") String id) {
        return "task " + id;
    }
}
