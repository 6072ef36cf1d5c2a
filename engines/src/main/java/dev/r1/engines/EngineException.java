package dev.r1.engines;

/** An engine cannot go on; the message says why and what to do, and is safe to record (no secrets). */
public class EngineException extends RuntimeException {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A provider failed (HTTP error, rate limit, unreadable answer, CLI exiting non-zero): the next one may be tried. */
    public static class ProviderFailure extends EngineException {
        private final String provider;

        public ProviderFailure(String provider, String message) {
            super(message);
            this.provider = provider;
        }

        public ProviderFailure(String provider, String message, Throwable cause) {
            super(message, cause);
            this.provider = provider;
        }

        public String provider() {
            return provider;
        }
    }

    /** The task's money budget is spent: the phase blocks. */
    public static final class BudgetExhausted extends EngineException {
        public BudgetExhausted(String message) {
            super(message);
        }
    }
}
