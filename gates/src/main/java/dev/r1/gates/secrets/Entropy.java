package dev.r1.gates.secrets;

/** Measures that tell a random secret from words, identifiers and placeholders. */
final class Entropy {
    private Entropy() {}

    /** Shannon entropy in bits per character. */
    static double shannon(String s) {
        if (s.isEmpty()) return 0;
        java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
        s.codePoints().forEach(c -> counts.merge(c, 1, Integer::sum));
        double n = s.codePointCount(0, s.length());
        double h = 0;
        for (int c : counts.values()) {
            double p = c / n;
            h -= p * (Math.log(p) / Math.log(2));
        }
        return h;
    }

    /** How many of lower case, upper case, digits and other characters occur. */
    static int classes(String s) {
        boolean lo = false, up = false, di = false, ot = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') lo = true;
            else if (c >= 'A' && c <= 'Z') up = true;
            else if (c >= '0' && c <= '9') di = true;
            else ot = true;
        }
        return (lo ? 1 : 0) + (up ? 1 : 0) + (di ? 1 : 0) + (ot ? 1 : 0);
    }

    static boolean hasLower(String s) {
        return s.chars().anyMatch(c -> c >= 'a' && c <= 'z');
    }

    static boolean hasUpper(String s) {
        return s.chars().anyMatch(c -> c >= 'A' && c <= 'Z');
    }

    static boolean hasDigit(String s) {
        return s.chars().anyMatch(c -> c >= '0' && c <= '9');
    }

    static boolean isHex(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    }

    /** Six or more characters rising by one ("123456", "abcdef"): a keyboard placeholder, never random. */
    static boolean hasSequentialRun(String s) {
        int run = 1;
        for (int i = 1; i < s.length(); i++) {
            char a = s.charAt(i - 1);
            char b = s.charAt(i);
            if (Character.isLetterOrDigit(a) && b == a + 1) {
                if (++run >= 6) return true;
            } else {
                run = 1;
            }
        }
        return false;
    }

    /** Five or more of the same character in a row ("xxxxx", "00000"). */
    static boolean hasRepeatedRun(String s) {
        int run = 1;
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) == s.charAt(i - 1)) {
                if (++run >= 5) return true;
            } else {
                run = 1;
            }
        }
        return false;
    }
}
