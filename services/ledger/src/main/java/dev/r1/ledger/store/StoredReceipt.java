package dev.r1.ledger.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The sealed receipt of a finished task: the receipt file bytes and its digest (the receipt id). */
@Entity
@Table(name = "ledger_receipt")
public class StoredReceipt {
    @Id
    @Column(length = 128)
    public String task;

    /** Hex SHA-256 of JCS(receipt without signature). */
    @Column(nullable = false, length = 64)
    public String digest;

    /** DONE or FAILED. */
    @Column(nullable = false, length = 8)
    public String state;

    /** The id of the terminal transition the receipt is the causal closure of. */
    @Column(name = "terminal_event", nullable = false, length = 64)
    public String terminalEvent;

    @Column(name = "event_count", nullable = false)
    public int eventCount;

    /** The receipt file: JCS bytes of the whole receipt. */
    @Column(nullable = false)
    public byte[] bytes;
}
