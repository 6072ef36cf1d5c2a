package dev.r1.ledger;

import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.keys.VerifyingKey;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The ledger's Ed25519 signing key, kept in {@code r1.ledger.key-dir}: {@value #PRIVATE_FILE}
 * (PKCS#8, mode 0600) and {@value #PUBLIC_FILE} (SPKI) beside it. Created on first use.
 */
@ApplicationScoped
public class LedgerKey {
    public static final String PRIVATE_FILE = "ledger.key.pem";
    public static final String PUBLIC_FILE = "ledger.pub.pem";
    private static final Logger LOG = Logger.getLogger(LedgerKey.class);

    private final Path dir;
    private volatile SigningKey key;

    public LedgerKey(@ConfigProperty(name = "r1.ledger.key-dir") Path dir) {
        this.dir = dir;
    }

    /** Loads or creates the key at start, so the public key is on disk before the first receipt. */
    void onStart(@Observes StartupEvent event) {
        LOG.infof("ledger signing key %s (%s)", signingKey().keyId(), dir.resolve(PUBLIC_FILE));
    }

    public SigningKey signingKey() {
        SigningKey k = key;
        if (k == null) {
            synchronized (this) {
                if (key == null) key = loadOrCreate(dir);
                k = key;
            }
        }
        return k;
    }

    public Path dir() {
        return dir;
    }

    /** The ledger's own public key first, then any other public keys in the key directory (older keys). */
    public List<VerifyingKey> publicKeys() {
        Map<String, VerifyingKey> keys = new LinkedHashMap<>();
        VerifyingKey own = signingKey().verifyingKey();
        keys.put(own.keyId(), own);
        try {
            for (VerifyingKey k : Keyring.load(List.of(dir)).keys()) keys.putIfAbsent(k.keyId(), k);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("could not read the public keys in %s: %s", dir, e.getMessage());
        }
        return new ArrayList<>(keys.values());
    }

    /** Loads {@code dir/ledger.key.pem}, or creates it (0600) with {@code ledger.pub.pem} beside it. */
    public static SigningKey loadOrCreate(Path dir) {
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path publicFile = dir.resolve(PUBLIC_FILE);
        try {
            if (!Files.exists(privateFile)) {
                Files.createDirectories(dir);
                SigningKey fresh = SigningKey.generate();
                Path tmp = Files.createTempFile(dir, ".ledger.key", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    Files.writeString(tmp, fresh.toPem(), StandardCharsets.US_ASCII);
                    // No replace: if another process won the race, its key is the key.
                    Files.move(tmp, privateFile, StandardCopyOption.ATOMIC_MOVE);
                    LOG.infof("created the ledger signing key %s in %s", fresh.keyId(), privateFile);
                } catch (FileAlreadyExistsException e) {
                    // Someone else's key won.
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            SigningKey key = SigningKey.fromPem(Files.readString(privateFile, StandardCharsets.US_ASCII));
            String pub = key.verifyingKey().toPem();
            if (!Files.exists(publicFile) || !Files.readString(publicFile, StandardCharsets.US_ASCII).equals(pub)) {
                Path tmp = Files.createTempFile(dir, ".ledger.pub", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
                Files.writeString(tmp, pub, StandardCharsets.US_ASCII);
                Files.move(tmp, publicFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("could not load or create the ledger key in " + dir, e);
        }
    }
}
