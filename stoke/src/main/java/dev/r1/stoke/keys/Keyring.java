package dev.r1.stoke.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The public keys a verifier trusts, looked up by their derived kid. */
public final class Keyring {
    private final Map<String, VerifyingKey> keys;

    private Keyring(Map<String, VerifyingKey> keys) {
        this.keys = Map.copyOf(keys);
    }

    public static Keyring of(Collection<VerifyingKey> keys) {
        Map<String, VerifyingKey> map = new LinkedHashMap<>();
        keys.forEach(k -> map.put(k.keyId(), k));
        return new Keyring(map);
    }

    public static Keyring of(VerifyingKey... keys) {
        return of(List.of(keys));
    }

    /**
     * Loads each path: a PEM file holds one public key; a directory contributes every
     * {@code *.pem} file in it that holds a public key (private keys beside them are passed over).
     */
    public static Keyring load(Collection<Path> paths) throws IOException {
        Map<String, VerifyingKey> map = new LinkedHashMap<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.list(path)) {
                    for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".pem")).sorted().toList()) {
                        String pem = readPem(file);
                        if (pem.contains("BEGIN PUBLIC KEY")) add(map, file, pem);
                    }
                }
            } else {
                add(map, path, readPem(path));
            }
        }
        return new Keyring(map);
    }

    /** Latin-1 never fails to decode, so a file that is not PEM is reported as such rather than as bad text. */
    private static String readPem(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }

    private static void add(Map<String, VerifyingKey> map, Path file, String pem) {
        try {
            VerifyingKey key = VerifyingKey.fromPem(pem);
            map.put(key.keyId(), key);
        } catch (KeyFormatException e) {
            throw new KeyFormatException(file + ": " + e.getMessage(), e);
        }
    }

    public Optional<VerifyingKey> find(String kid) {
        return Optional.ofNullable(keys.get(kid));
    }

    public Collection<VerifyingKey> keys() {
        return keys.values();
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }
}
