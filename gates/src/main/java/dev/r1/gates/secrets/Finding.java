package dev.r1.gates.secrets;

/**
 * A likely secret: what kind, where, how sure, and a redacted sample safe to show in a gate's
 * reason (never the secret itself).
 */
public record Finding(String kind, String label, String path, int line, Confidence confidence, String redacted) {
    public enum Confidence {
        /** A provider's token format, a private key block, a credential in a URL, a random value assigned to a secret-named key. */
        HIGH,
        /** Looks random or secret-like but has no provider format: a person should look. */
        LOW
    }

    public String location() {
        return path.isEmpty() ? "line " + line : path + ":" + line;
    }

    @Override
    public String toString() {
        return location() + " " + label + " (" + redacted + ")";
    }
}
