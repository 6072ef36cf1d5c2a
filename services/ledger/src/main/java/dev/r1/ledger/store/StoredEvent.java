package dev.r1.ledger.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * One accepted STOKE event: its canonical (JCS) bytes plus the members the ledger queries by.
 * Rows are written only by {@link LedgerStore} with {@code INSERT ... ON CONFLICT DO NOTHING}, so
 * the event id, the primary key, makes storing idempotent.
 */
@Entity
@Table(name = "ledger_event", indexes = @Index(name = "ledger_event_task_seq", columnList = "task, seq"))
public class StoredEvent {
    /**
     * 64 lowercase hex: SHA-256 of the event without its id. Ids and tasks compare byte by byte
     * ({@code COLLATE "C"}): they are never sorted for people, and a locale's collation made
     * every index step of an insert a {@code strcoll} call (a third of the insert's time).
     */
    @Id
    @Column(columnDefinition = "varchar(64) collate \"C\"")
    public String id;

    /** Arrival order across the whole ledger; filled in by the database. */
    @Column(columnDefinition = "bigserial", insertable = false, updatable = false, nullable = false)
    public long seq;

    @Column(nullable = false, columnDefinition = "varchar(128) collate \"C\"")
    public String task;

    @Column(name = "type", nullable = false, length = 32)
    public String eventType;

    @Column(nullable = false, length = 16)
    public String phase;

    /** {@code t} in milliseconds. */
    @Column(name = "t_millis", nullable = false)
    public long tMillis;

    /** True for the event without causes (the START->PLAN transition). */
    @Column(name = "root", nullable = false)
    public boolean rootEvent;

    /** DONE or FAILED for a terminal transition, else null. */
    @Column(name = "terminal", length = 8)
    public String terminalStage;

    /** The event's JCS bytes: exactly what a receipt holds. */
    @Column(nullable = false)
    public byte[] canonical;
}
