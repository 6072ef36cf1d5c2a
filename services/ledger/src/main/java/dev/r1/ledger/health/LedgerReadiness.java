package dev.r1.ledger.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when PostgreSQL answers a query on the ledger's own table. */
@Readiness
@ApplicationScoped
public class LedgerReadiness implements AsyncHealthCheck {
    private final Pool pool;

    public LedgerReadiness(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("select count(*) from (select 1 from ledger_event limit 1) e").execute()
                .ifNoItem().after(Duration.ofSeconds(5)).fail()
                .map(rows -> HealthCheckResponse.named("r1-ledger-database").up().build())
                .onFailure().recoverWithItem(t -> HealthCheckResponse.named("r1-ledger-database").down()
                        .withData("error", String.valueOf(t.getMessage())).build());
    }
}
