package dev.r1.ledger.store;

import dev.r1.ledger.Admission;
import dev.r1.ledger.LedgerKey;
import dev.r1.ledger.Refusal;
import dev.r1.stoke.Rule;
import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.receipt.ReceiptSealer;
import dev.r1.stoke.receipt.SealedReceipt;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The ledger's tables, through Hibernate Reactive. Every method returns a {@link Uni} that must be
 * subscribed on a Vert.x context (a Kafka message, an HTTP request, or
 * {@code VertxContextSupport}). Writes are idempotent: the event id, the blob hash and the task
 * are primary keys, and inserts are {@code ON CONFLICT DO NOTHING}.
 */
@ApplicationScoped
public class LedgerStore {
    private final Mutiny.SessionFactory sessions;
    private final LedgerKey key;

    public LedgerStore(Mutiny.SessionFactory sessions, LedgerKey key) {
        this.sessions = sessions;
        this.key = key;
    }

    /** A sealed receipt as stored. */
    public record Sealed(String task, String digest, String state, String terminalEvent, int eventCount, byte[] file) {
        static Sealed of(StoredReceipt r) {
            return new Sealed(r.task, r.digest, r.state, r.terminalEvent, r.eventCount, r.bytes);
        }
    }

    /**
     * What storing one event did: {@code inserted} is false for an event stored before; {@code receipt}
     * is the task's receipt when the event is its terminal transition (sealed now, or before).
     */
    public record Outcome(Event event, boolean inserted, Sealed receipt, boolean sealedNow) {}

    /** One stored event as the read API returns it. */
    public record Row(long seq, byte[] canonical, boolean terminal) {}

    /** A task as the read API summarises it. */
    public record TaskSummary(String task, long events, String terminal, String receiptDigest, long firstMillis, long lastMillis) {}

    /**
     * Stores one admitted event in one transaction: refuses it if its causes are not all stored for
     * its task, if it is a second root or a second terminal, if it follows a terminal, or if it
     * breaks the gate invariant; seals the task's receipt when it is the terminal transition.
     *
     * @return fails with {@link Refusal} when a rule is broken (nothing is written)
     */
    public Uni<Outcome> store(Event event) {
        return sessions.withTransaction((s, tx) -> s.find(StoredEvent.class, event.id()).chain(existing -> {
            if (existing != null) return again(s, event);
            return causes(s, event)
                    .invoke(causes -> Admission.checkAgainstCauses(event, causes))
                    .chain(causes -> event.isRoot() ? checkSecondRoot(s, event) : Uni.createFrom().voidItem())
                    .chain(() -> event.isTerminal() ? checkSecondTerminal(s, event) : Uni.createFrom().voidItem())
                    .chain(() -> insert(s, event))
                    .chain(() -> event.isTerminal() ? seal(s, event) : Uni.createFrom().<Sealed>nullItem())
                    .map(sealed -> new Outcome(event, true, sealed, sealed != null));
        }));
    }

    /** An event stored before: a no-op, except that a terminal transition's receipt is returned (sealed if missing). */
    private Uni<Outcome> again(Mutiny.Session s, Event event) {
        if (!event.isTerminal()) return Uni.createFrom().item(new Outcome(event, false, null, false));
        return s.find(StoredReceipt.class, event.task()).chain(r -> r != null && r.terminalEvent.equals(event.id())
                ? Uni.createFrom().item(new Outcome(event, false, Sealed.of(r), false))
                : seal(s, event).map(sealed -> new Outcome(event, false, sealed, true)));
    }

    private Uni<List<Event>> causes(Mutiny.Session s, Event event) {
        if (event.causedBy().isEmpty()) return Uni.createFrom().item(List.of());
        return s.createSelectionQuery("select e.canonical from StoredEvent e where e.task = :task and e.id in :ids", byte[].class)
                .setParameter("task", event.task())
                .setParameter("ids", event.causedBy())
                .getResultList()
                .map(rows -> {
                    Map<String, Event> found = new HashMap<>();
                    for (byte[] bytes : rows) {
                        Event e = EventCodec.decode(bytes);
                        found.put(e.id(), e);
                    }
                    List<Event> causes = new ArrayList<>(event.causedBy().size());
                    for (String id : event.causedBy()) {
                        Event c = found.get(id);
                        if (c == null) {
                            throw Refusal.of(Rule.OPEN_GRAPH, event.id(), "cause " + id + " is not a stored event of task " + event.task());
                        }
                        causes.add(c);
                    }
                    return causes;
                });
    }

    private Uni<Void> checkSecondRoot(Mutiny.Session s, Event event) {
        return s.createSelectionQuery("select e.id from StoredEvent e where e.task = :task and e.rootEvent = true", String.class)
                .setParameter("task", event.task()).setMaxResults(1).getResultList()
                .invoke(ids -> {
                    if (!ids.isEmpty()) throw Refusal.of(Rule.ROOT, event.id(), "a second root besides " + ids.get(0));
                })
                .replaceWithVoid();
    }

    private Uni<Void> checkSecondTerminal(Mutiny.Session s, Event event) {
        return s.createSelectionQuery("select e.id from StoredEvent e where e.task = :task and e.terminalStage is not null", String.class)
                .setParameter("task", event.task()).setMaxResults(1).getResultList()
                .invoke(ids -> {
                    if (!ids.isEmpty()) {
                        throw Refusal.of(Rule.SINK, event.id(), "a second terminal transition besides " + ids.get(0));
                    }
                })
                .replaceWithVoid();
    }

    private Uni<Integer> insert(Mutiny.Session s, Event event) {
        return s.createNativeMutationQuery("insert into ledger_event (id, task, type, phase, t_millis, root, terminal, canonical)"
                        + " values (:id, :task, :type, :phase, :t, :root, nullif(:terminal, ''), :canonical) on conflict (id) do nothing")
                .setParameter("id", event.id())
                .setParameter("task", event.task())
                .setParameter("type", event.type().name())
                .setParameter("phase", event.phase().name())
                .setParameter("t", event.tMillis())
                .setParameter("root", event.isRoot())
                // Always a string, so the parameter has a type; nullif stores NULL for non-terminal events.
                .setParameter("terminal", event.isTerminal() ? event.asTransition().to().name() : "")
                .setParameter("canonical", EventCodec.canonical(event))
                .executeUpdate();
    }

    /**
     * Seals the causal closure of the terminal transition (events of an abandoned attempt stay out)
     * and stores the receipt. Ed25519 is deterministic, so sealing again gives the same bytes.
     */
    private Uni<Sealed> seal(Mutiny.Session s, Event terminal) {
        return s.createSelectionQuery("select e.canonical from StoredEvent e where e.task = :task", byte[].class)
                .setParameter("task", terminal.task())
                .getResultList()
                .map(rows -> {
                    Map<String, Event> byId = new HashMap<>(rows.size() * 2);
                    for (byte[] bytes : rows) {
                        Event e = EventCodec.decode(bytes);
                        byId.put(e.id(), e);
                    }
                    byId.put(terminal.id(), terminal);
                    List<Event> closure = Admission.closure(terminal, byId);
                    SealedReceipt receipt;
                    try {
                        receipt = new ReceiptSealer(key.signingKey()).seal(closure);
                    } catch (StokeViolation v) {
                        throw Refusal.of(v);
                    }
                    return new Sealed(terminal.task(), receipt.receipt().digest(), terminal.asTransition().to().name(),
                            terminal.id(), closure.size(), receipt.file());
                })
                .call(sealed -> s.createNativeMutationQuery(
                                "insert into ledger_receipt (task, digest, state, terminal_event, event_count, bytes)"
                                        + " values (:task, :digest, :state, :terminal, :count, :bytes) on conflict (task) do update set"
                                        + " digest = excluded.digest, state = excluded.state, terminal_event = excluded.terminal_event,"
                                        + " event_count = excluded.event_count, bytes = excluded.bytes")
                        .setParameter("task", sealed.task())
                        .setParameter("digest", sealed.digest())
                        .setParameter("state", sealed.state())
                        .setParameter("terminal", sealed.terminalEvent())
                        .setParameter("count", sealed.eventCount())
                        .setParameter("bytes", sealed.file())
                        .executeUpdate());
    }

    /** Stores a blob; true if it was not stored before. */
    public Uni<Boolean> storeBlob(String hash, String mediaType, byte[] bytes) {
        return sessions.withTransaction((s, tx) -> s.createNativeMutationQuery(
                        "insert into ledger_blob (hash, media_type, bytes) values (:hash, :type, :bytes) on conflict (hash) do nothing")
                .setParameter("hash", hash)
                .setParameter("type", mediaType)
                .setParameter("bytes", bytes)
                .executeUpdate()
                .map(n -> n > 0));
    }

    /** Empties every table (and restarts the arrival sequence) before a rebuild. */
    public Uni<Void> wipe() {
        return sessions.withTransaction((s, tx) -> s
                .createNativeMutationQuery("truncate table ledger_event, ledger_blob, ledger_receipt restart identity")
                .executeUpdate()
                .replaceWithVoid());
    }

    /** The task's summary, or null if the ledger holds no event of it. */
    public Uni<TaskSummary> task(String task) {
        return sessions.withSession(s -> s.createSelectionQuery(
                        "select count(e), min(e.tMillis), max(e.tMillis) from StoredEvent e where e.task = :task", Object[].class)
                .setParameter("task", task)
                .getSingleResult()
                .chain(agg -> {
                    long count = ((Number) agg[0]).longValue();
                    if (count == 0) return Uni.createFrom().nullItem();
                    long first = ((Number) agg[1]).longValue();
                    long last = ((Number) agg[2]).longValue();
                    return s.createSelectionQuery("select e.terminalStage from StoredEvent e where e.task = :task and e.terminalStage is not null", String.class)
                            .setParameter("task", task).setMaxResults(1).getResultList()
                            .chain(terminal -> s.find(StoredReceipt.class, task).map(r -> new TaskSummary(task, count,
                                    terminal.isEmpty() ? null : terminal.get(0), r == null ? null : r.digest, first, last)));
                }));
    }

    /** Up to {@code limit} events of the task with an arrival sequence above {@code afterSeq}, in arrival order. */
    public Uni<List<Row>> events(String task, long afterSeq, int limit) {
        return sessions.withSession(s -> s.createSelectionQuery(
                        "select e.seq, e.canonical, e.terminalStage from StoredEvent e where e.task = :task and e.seq > :after order by e.seq",
                        Object[].class)
                .setParameter("task", task)
                .setParameter("after", afterSeq)
                .setMaxResults(limit)
                .getResultList()
                .map(rows -> {
                    List<Row> out = new ArrayList<>(rows.size());
                    for (Object[] r : rows) {
                        String terminal = (String) r[2];
                        out.add(new Row(((Number) r[0]).longValue(), (byte[]) r[1], terminal != null));
                    }
                    return out;
                }));
    }

    public Uni<Sealed> receipt(String task) {
        return sessions.withSession(s -> s.find(StoredReceipt.class, task).map(r -> r == null ? null : Sealed.of(r)));
    }

    public Uni<StoredBlob> blob(String hash) {
        return sessions.withSession(s -> s.find(StoredBlob.class, hash));
    }

    /** Answers if the database and the ledger's tables answer. */
    public Uni<Long> countEvents() {
        return sessions.withSession(s -> s.createSelectionQuery("select count(e) from StoredEvent e", Long.class).getSingleResult());
    }
}
