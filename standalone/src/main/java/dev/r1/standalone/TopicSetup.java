package dev.r1.standalone;

import dev.r1.pipeline.TopicAdmin;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Creates R1's topics before the services' Kafka channels start, so a fresh broker (which
 * creates no topics by itself) works at once. Existing topics are left as they are.
 */
@ApplicationScoped
public class TopicSetup {
    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    /** Runs before SmallRye Reactive Messaging connects its channels, which also happens at startup. */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
            @ConfigProperty(name = "r1.topics.create", defaultValue = "true") boolean create,
            @ConfigProperty(name = "r1.topics.partitions", defaultValue = "4") int partitions) {
        if (!create) return;
        long start = System.nanoTime();
        TopicAdmin.ensure(bootstrap, partitions);
        LOG.infof("topics ready on %s (%d ms)", bootstrap, (System.nanoTime() - start) / 1_000_000);
    }
}
