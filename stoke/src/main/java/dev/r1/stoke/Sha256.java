package dev.r1.stoke;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 as STOKE writes it: 64 lowercase hex digits. */
public final class Sha256 {
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private Sha256() {}

    public static byte[] digest(byte[] data) {
        return newDigest().digest(data);
    }

    public static String hex(byte[] data) {
        return HEX.formatHex(digest(data));
    }

    public static String toHex(byte[] digest) {
        return HEX.formatHex(digest);
    }

    public static boolean isHex(String s) {
        return s != null && HEX64.matcher(s).matches();
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
