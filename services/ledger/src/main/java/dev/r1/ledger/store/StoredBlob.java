package dev.r1.ledger.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Artifact bytes by their SHA-256, as ARTIFACT events name them. */
@Entity
@Table(name = "ledger_blob")
public class StoredBlob {
    @Id
    @Column(length = 64)
    public String hash;

    @Column(name = "media_type", nullable = false, length = 255)
    public String mediaType;

    @Column(nullable = false)
    public byte[] bytes;
}
