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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
     * What storing one event did. A refused event has its {@code refusal} and nothing else;
     * otherwise {@code inserted} is false for an event stored before, and {@code receipt} is the
     * task's receipt when the event is its terminal transition (sealed now, or before).
     */
    public record Outcome(Event event, Refusal refusal, boolean inserted, Sealed receipt, boolean sealedNow) {
        public static Outcome refused(Event event, Refusal refusal) {
            return new Outcome(event, refusal, false, null, false);
        }

        static Outcome storedBefore(Event event) {
            return new Outcome(event, null, false, null, false);
        }

        public boolean refused() {
            return refusal != null;
        }
    }

    /** One stored event as the read API returns it. */
    public record Row(long seq, byte[] canonical, boolean terminal) {}

    /** A task as the read API summarises it. */
    public record TaskSummary(String task, long events, String terminal, String receiptDigest, long firstMillis, long lastMillis) {}

    /**
     * Stores admitted events, in order, in two statements: one reads what the checks need (the
     * causes stored before, the tasks' roots, terminals and receipts, and every stored event of a
     * task whose terminal transition is in the list), the checks and the sealing run in memory,
     * and one writes the accepted events and the sealed receipts, atomically as any single
     * statement is, and returns which events it stored for the first time. Two round trips per
     * batch, whatever it holds: at one event per batch, as a live pipeline delivers them, the
     * ledger's part of a task's latency is mostly round trips.
     * An event is refused if one of its causes is neither stored for its task nor accepted
     * earlier in the list, if it is a second root or a second terminal, if it follows a terminal,
     * or if it breaks the gate invariant; a refusal writes nothing for that event and does not
     * stop the others.
     *
     * @return one outcome per event, in the order given
     */
    public Uni<List<Outcome>> storeAll(List<Event> events) {
        if (events.isEmpty()) return Uni.createFrom().item(List.of());
        return sessions.withSession(s -> load(s, events).chain(batch -> {
            batch.check(events);
            batch.seal(new ReceiptSealer(key.signingKey()));
            return write(s, batch).map(batch::outcomes);
        }));
    }

    /** What one {@link #storeAll} call knows and decides, kept in memory for the length of the call. */
    private static final class Batch {
        /** Stored events the batch needs: causes from before the batch, and every event of a task to seal. */
        final Map<String, StoredRow> stored = new HashMap<>();
        /** Stored events decoded so far: one may be a cause of several events and sealed too. */
        final Map<String, Event> decoded = new HashMap<>();
        final Map<String, String> roots = new HashMap<>();
        final Map<String, String> terminals = new HashMap<>();
        final Map<String, Sealed> receipts = new HashMap<>();
        final Map<String, Event> accepted = new LinkedHashMap<>();
        /** Events met again (stored before, or earlier in this batch); still causes of the events after them. */
        final Map<String, Event> duplicates = new HashMap<>();
        final List<Outcome> pending = new ArrayList<>();
        /** Receipts sealed by this batch, by terminal event id. */
        final Map<String, Sealed> sealed = new HashMap<>();

        record StoredRow(String task, byte[] canonical) {}

        void check(List<Event> events) {
            for (Event event : events) {
                if (knownDuplicate(event)) {
                    duplicates.put(event.id(), event);
                    pending.add(Outcome.storedBefore(event));
                    continue;
                }
                try {
                    List<Event> causes = new ArrayList<>(event.causedBy().size());
                    for (String id : event.causedBy()) causes.add(cause(event, id));
                    Admission.checkAgainstCauses(event, causes);
                    if (event.isRoot() && roots.containsKey(event.task())) {
                        throw Refusal.of(Rule.ROOT, event.id(), "a second root besides " + roots.get(event.task()));
                    }
                    if (event.isTerminal() && terminals.containsKey(event.task())) {
                        throw Refusal.of(Rule.SINK, event.id(), "a second terminal transition besides " + terminals.get(event.task()));
                    }
                    accepted.put(event.id(), event);
                    if (event.isRoot()) roots.put(event.task(), event.id());
                    if (event.isTerminal()) terminals.put(event.task(), event.id());
                    pending.add(new Outcome(event, null, true, null, false));
                } catch (Refusal r) {
                    pending.add(Outcome.refused(event, r));
                }
            }
        }

        /**
         * An event this batch already holds, or one stored before that the read loaded (a root, a
         * terminal, or an event of a task to seal). Any other event stored before is checked again,
         * as its checks read only itself and its causes, and the write finds it a duplicate.
         */
        private boolean knownDuplicate(Event event) {
            return accepted.containsKey(event.id()) || stored.containsKey(event.id())
                    || event.isRoot() && event.id().equals(roots.get(event.task()))
                    || event.isTerminal() && event.id().equals(terminals.get(event.task()));
        }

        private Event cause(Event event, String id) {
            Event inBatch = accepted.get(id);
            if (inBatch == null) inBatch = duplicates.get(id);
            if (inBatch != null && inBatch.task().equals(event.task())) return inBatch;
            StoredRow row = stored.get(id);
            if (row != null && row.task().equals(event.task())) return storedEvent(id);
            throw Refusal.of(Rule.OPEN_GRAPH, event.id(), "cause " + id + " is not a stored event of task " + event.task());
        }

        /**
         * The terminal transitions to seal: those accepted now, and those stored before whose
         * receipt is missing or names another terminal (a crash between storing and sealing).
         */
        List<Event> toSeal() {
            Map<String, Event> out = new LinkedHashMap<>();
            for (Outcome o : pending) {
                if (o.refused() || !o.event().isTerminal()) continue;
                Sealed r = receipts.get(o.event().task());
                if (o.inserted() || r == null || !r.terminalEvent().equals(o.event().id())) out.put(o.event().id(), o.event());
            }
            return List.copyOf(out.values());
        }

        /**
         * Seals the causal closure of each terminal transition to seal (events of an abandoned
         * attempt stay out), from the task's stored events and those accepted in this batch. A
         * terminal the sealer rejects is refused like any other rule break. Ed25519 is
         * deterministic, so sealing again gives the same bytes.
         */
        void seal(ReceiptSealer sealer) {
            List<Event> terminals = toSeal();
            if (terminals.isEmpty()) return;
            Map<String, Map<String, Event>> graphs = new HashMap<>();
            for (Event terminal : terminals) graphs.put(terminal.task(), new HashMap<>());
            stored.forEach((id, row) -> {
                Map<String, Event> graph = graphs.get(row.task());
                if (graph != null) graph.put(id, storedEvent(id));
            });
            for (Event e : accepted.values()) {
                Map<String, Event> graph = graphs.get(e.task());
                if (graph != null) graph.put(e.id(), e);
            }
            for (Event terminal : terminals) {
                Map<String, Event> byId = graphs.get(terminal.task());
                try {
                    List<Event> closure = Admission.closure(terminal, byId);
                    SealedReceipt receipt = sealer.seal(closure);
                    sealed.put(terminal.id(), new Sealed(terminal.task(), receipt.receipt().digest(),
                            terminal.asTransition().to().name(), terminal.id(), closure.size(), receipt.file()));
                } catch (StokeViolation v) {
                    refuse(terminal, Refusal.of(v));
                } catch (Refusal r) {
                    refuse(terminal, r);
                }
            }
        }

        private Event storedEvent(String id) {
            return decoded.computeIfAbsent(id, k -> EventCodec.decode(stored.get(k).canonical()));
        }

        /** Refuses an event accepted earlier in this batch (its terminal would not seal). */
        void refuse(Event event, Refusal refusal) {
            accepted.remove(event.id());
            terminals.remove(event.task(), event.id());
            pending.replaceAll(o -> o.event() == event && !o.refused() ? Outcome.refused(event, refusal) : o);
        }

        /** The outcomes, once the write has said which accepted events were not stored before. */
        List<Outcome> outcomes(Set<String> inserted) {
            Map<String, Sealed> fresh = new HashMap<>(sealed);
            List<Outcome> out = new ArrayList<>(pending.size());
            for (Outcome o : pending) {
                if (o.inserted() && !inserted.contains(o.event().id())) o = Outcome.storedBefore(o.event());
                if (o.refused() || !o.event().isTerminal()) {
                    out.add(o);
                    continue;
                }
                // remove: a terminal delivered twice in one batch counts as sealed once.
                Sealed sealedNow = fresh.remove(o.event().id());
                // A re-delivered terminal gets its receipt again (published again: idempotent by key).
                Sealed receipt = sealedNow != null ? sealedNow
                        : sealed.containsKey(o.event().id()) ? sealed.get(o.event().id()) : receipts.get(o.event().task());
                out.add(new Outcome(o.event(), null, o.inserted(), receipt, sealedNow != null));
            }
            return out;
        }
    }

    /**
     * Everything the checks and the sealing read, in one statement: a row per stored event that
     * is a cause from outside the batch or of a task to seal ({@code e}; each once), per root or
     * terminal of the batch's tasks ({@code r}, {@code t}), and per receipt of those tasks
     * ({@code c}). The batch's own ids are not looked up: at a poll of a thousand events that
     * was most of the database's work, and the write tells which of them were stored before.
     */
    private Uni<Batch> load(Mutiny.Session s, List<Event> events) {
        Set<String> inBatch = new HashSet<>();
        for (Event e : events) inBatch.add(e.id());
        Set<String> ids = new HashSet<>();
        Set<String> tasks = new HashSet<>();
        Set<String> sealing = new HashSet<>();
        for (Event e : events) {
            for (String cause : e.causedBy()) {
                if (!inBatch.contains(cause)) ids.add(cause);
            }
            tasks.add(e.task());
            if (e.isTerminal()) sealing.add(e.task());
        }
        return s.createNativeQuery("select 'e', id, task, canonical, cast(null as text), cast(null as text), 0"
                                + " from ledger_event where id = any(:ids) and task <> all(:sealing)"
                        + " union all select 'e', id, task, canonical, null, null, 0 from ledger_event where task = any(:sealing)"
                        + " union all select case when root then 'r' else 't' end, id, task, null, null, null, 0"
                                + " from ledger_event where task = any(:tasks) and (root or terminal is not null)"
                        + " union all select 'c', terminal_event, task, bytes, digest, state, event_count"
                                + " from ledger_receipt where task = any(:tasks)", Object[].class)
                .setParameter("ids", ids.toArray(String[]::new))
                .setParameter("sealing", sealing.toArray(String[]::new))
                .setParameter("tasks", tasks.toArray(String[]::new))
                .getResultList()
                .map(rows -> {
                    Batch batch = new Batch();
                    for (Object[] r : rows) {
                        String id = (String) r[1];
                        String task = (String) r[2];
                        byte[] bytes = (byte[]) r[3];
                        switch ((String) r[0]) {
                            case "e" -> batch.stored.put(id, new Batch.StoredRow(task, bytes));
                            case "r" -> batch.roots.put(task, id);
                            case "t" -> batch.terminals.put(task, id);
                            case "c" -> batch.receipts.put(task,
                                    new Sealed(task, (String) r[4], (String) r[5], id, ((Number) r[6]).intValue(), bytes));
                        }
                    }
                    return batch;
                });
    }

    /**
     * The accepted events, in order (so arrival order follows the batch), and the sealed
     * receipts, in one statement; {@code nullif} stores NULL for the terminal stage of a
     * non-terminal event. Events and receipts are JCS, so valid UTF-8 with no NUL: they travel
     * as text arrays and {@code convert_to} stores their exact bytes.
     *
     * @return the ids of the events not stored before
     */
    private Uni<Set<String>> write(Mutiny.Session s, Batch batch) {
        List<Event> events = List.copyOf(batch.accepted.values());
        List<Sealed> receipts = List.copyOf(batch.sealed.values());
        if (events.isEmpty() && receipts.isEmpty()) return Uni.createFrom().item(Set.of());
        return s.createNativeQuery("with events as (insert into ledger_event (id, task, type, phase, t_millis, root, terminal, canonical)"
                        + " select id, task, type, phase, t, root, nullif(terminal, ''), convert_to(canonical, 'UTF8')"
                        + " from unnest(cast(:ids as text[]), cast(:tasks as text[]), cast(:types as text[]),"
                        + " cast(:phases as text[]), cast(:ts as bigint[]), cast(:roots as boolean[]), cast(:terminals as text[]),"
                        + " cast(:canonicals as text[]))"
                        + " as e(id, task, type, phase, t, root, terminal, canonical)"
                        + " on conflict (id) do nothing returning id),"
                        + " receipts as (insert into ledger_receipt (task, digest, state, terminal_event, event_count, bytes)"
                        + " select task, digest, state, terminal, count, convert_to(file, 'UTF8')"
                        + " from unnest(cast(:receiptTasks as text[]), cast(:digests as text[]), cast(:states as text[]),"
                        + " cast(:receiptTerminals as text[]), cast(:counts as int[]), cast(:files as text[]))"
                        + " as r(task, digest, state, terminal, count, file)"
                        + " on conflict (task) do update set digest = excluded.digest, state = excluded.state,"
                        + " terminal_event = excluded.terminal_event, event_count = excluded.event_count, bytes = excluded.bytes)"
                        // A data-modifying WITH runs to completion whether or not the query reads it.
                        + " select id from events", String.class)
                .setParameter("ids", events.stream().map(Event::id).toArray(String[]::new))
                .setParameter("tasks", events.stream().map(Event::task).toArray(String[]::new))
                .setParameter("types", events.stream().map(e -> e.type().name()).toArray(String[]::new))
                .setParameter("phases", events.stream().map(e -> e.phase().name()).toArray(String[]::new))
                .setParameter("ts", events.stream().map(Event::tMillis).toArray(Long[]::new))
                .setParameter("roots", events.stream().map(Event::isRoot).toArray(Boolean[]::new))
                .setParameter("terminals", events.stream().map(e -> e.isTerminal() ? e.asTransition().to().name() : "").toArray(String[]::new))
                .setParameter("canonicals", events.stream().map(e -> new String(EventCodec.canonical(e), StandardCharsets.UTF_8)).toArray(String[]::new))
                .setParameter("receiptTasks", receipts.stream().map(Sealed::task).toArray(String[]::new))
                .setParameter("digests", receipts.stream().map(Sealed::digest).toArray(String[]::new))
                .setParameter("states", receipts.stream().map(Sealed::state).toArray(String[]::new))
                .setParameter("receiptTerminals", receipts.stream().map(Sealed::terminalEvent).toArray(String[]::new))
                .setParameter("counts", receipts.stream().map(Sealed::eventCount).toArray(Integer[]::new))
                .setParameter("files", receipts.stream().map(r -> new String(r.file(), StandardCharsets.UTF_8)).toArray(String[]::new))
                .getResultList()
                .map(Set::copyOf);
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

    /**
     * Gathers the tables' statistics now. After a bulk load (a rebuild) PostgreSQL would otherwise
     * plan the ledger's reads for the tables as they were until autovacuum next looks at them,
     * which on a server with the default settings can be a minute of slow receipts.
     */
    public Uni<Void> analyze() {
        return sessions.withTransaction((s, tx) -> s
                .createNativeMutationQuery("analyze ledger_event, ledger_blob, ledger_receipt")
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
