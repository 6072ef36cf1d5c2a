package dev.r1.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates R1's topics ({@link Topics#ALL}, each with {@link Topics#config}) on a broker that does
 * not create topics by itself. Idempotent: a topic that already exists is left as it is, whatever
 * its partition count.
 */
public final class TopicAdmin {
    /** The partitions per topic that the embedded stack and tests use. */
    public static final int DEFAULT_PARTITIONS = 4;
    private static final long TIMEOUT_SECONDS = 60;

    private TopicAdmin() {}

    /**
     * Creates every missing R1 topic with {@code partitions} partitions and the broker's default
     * replication factor.
     *
     * @throws IllegalStateException when the broker cannot be reached or refuses a topic
     */
    public static void ensure(String bootstrap, int partitions) {
        if (partitions < 1) throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)))) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topics.Spec spec : Topics.ALL) {
                if (existing.contains(spec.name())) continue;
                missing.add(new NewTopic(spec.name(), Optional.of(partitions), Optional.empty()).configs(Topics.config(spec)));
            }
            if (missing.isEmpty()) return;
            CreateTopicsResult result = admin.createTopics(missing);
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e : result.values().entrySet()) {
                try {
                    e.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException ex) {
                    // Another process created it between our listing and our request: that is fine.
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + e.getKey() + ": " + ex.getCause().getMessage(), ex.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics on " + bootstrap, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not list topics on " + bootstrap + ": " + e, e);
        }
    }

    /** {@link #ensure(String, int)} with {@link #DEFAULT_PARTITIONS}. */
    public static void ensure(String bootstrap) {
        ensure(bootstrap, DEFAULT_PARTITIONS);
    }
}
