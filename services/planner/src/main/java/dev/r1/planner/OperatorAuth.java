package dev.r1.planner;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Who is calling: bearer tokens mapped to a name and roles. Tokens come from {@code r1.auth.tokens}
 * ({@code TOKEN=NAME:ROLE[|ROLE...]}, comma separated) and from the token file
 * {@code <r1.data>/auth/tokens} (one {@code TOKEN NAME ROLE[,ROLE...]} a line, {@code #} comments).
 * When neither names any token, the file is created with one fresh operator token (mode 600),
 * so the embedded default is never open.
 */
@io.quarkus.runtime.Startup
@ApplicationScoped
public class OperatorAuth {
    private static final Logger LOG = Logger.getLogger(OperatorAuth.class);
    public static final String OPERATOR = "operator";

    /** An authenticated caller. */
    public record Caller(String name, Set<String> roles) {
        public boolean operator() {
            return roles.contains(OPERATOR);
        }
    }

    @ConfigProperty(name = "r1.auth.tokens")
    Optional<String> configured;

    @ConfigProperty(name = "r1.data", defaultValue = "r1-data")
    String data;

    private final Map<String, Caller> tokens = new LinkedHashMap<>();

    @PostConstruct
    void load() {
        configured.ifPresent(c -> parseConfig(c, tokens));
        Path file = tokenFile(Path.of(data));
        try {
            if (Files.exists(file)) parseFile(Files.readString(file, StandardCharsets.UTF_8), tokens);
            if (tokens.isEmpty()) {
                Files.createDirectories(file.getParent());
                byte[] raw = new byte[32];
                new SecureRandom().nextBytes(raw);
                String token = HexFormat.of().formatHex(raw);
                Files.writeString(file, "# TOKEN NAME ROLES (comma separated); the bearer token of R1's APIs\n" + token + " operator " + OPERATOR + "\n",
                        StandardCharsets.UTF_8);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
                tokens.put(token, new Caller("operator", Set.of(OPERATOR)));
                LOG.infof("auth: no tokens were configured; wrote an operator token to %s", file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the token file " + file, e);
        }
    }

    public static Path tokenFile(Path dataDir) {
        return dataDir.resolve("auth").resolve("tokens");
    }

    static void parseConfig(String spec, Map<String, Caller> into) {
        for (String entry : spec.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) continue;
            int eq = e.indexOf('=');
            int colon = e.indexOf(':', eq + 1);
            if (eq <= 0 || colon < 0) throw new IllegalArgumentException("r1.auth.tokens: an entry is TOKEN=NAME:ROLE[|ROLE]");
            into.put(e.substring(0, eq), new Caller(e.substring(eq + 1, colon), Set.of(e.substring(colon + 1).split("\\|"))));
        }
    }

    static void parseFile(String text, Map<String, Caller> into) {
        for (String line : text.lines().toList()) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] parts = l.split("\\s+");
            if (parts.length < 3) continue;
            into.put(parts[0], new Caller(parts[1], Set.copyOf(List.of(parts[2].split(",")))));
        }
    }

    /** The caller of an {@code Authorization} header, or empty when it names no known token. */
    public Optional<Caller> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        Caller found = null;
        for (Map.Entry<String, Caller> t : tokens.entrySet()) {
            // constant-time comparison, and no early exit
            if (MessageDigest.isEqual(given, t.getKey().getBytes(StandardCharsets.UTF_8))) found = t.getValue();
        }
        return Optional.ofNullable(found);
    }
}
