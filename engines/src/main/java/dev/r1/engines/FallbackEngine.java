package dev.r1.engines;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Tries a role's providers in route order: when the current one fails (it cannot start, is
 * rate-limited, answers with an error or nonsense, its CLI exits non-zero), the next one takes
 * over in the same worktree and a {@link Step.ProviderSwitch} records why. When the last fails,
 * the run fails with every provider's reason.
 */
public final class FallbackEngine implements Engine {
    /** One provider to try: its name for the record and how to start its engine. */
    public record Candidate(String name, Supplier<Engine> start) {}

    private final List<Candidate> candidates;
    private final List<String> failures = new ArrayList<>();
    private int index = -1;
    private Engine current;
    private Step.ProviderSwitch announce;

    public FallbackEngine(List<Candidate> candidates) {
        if (candidates.isEmpty()) throw new EngineException("no provider is configured for this engine");
        this.candidates = List.copyOf(candidates);
    }

    @Override
    public Optional<Step> next(ToolOutput previous) {
        if (current == null && index < 0) advance(null);
        if (announce != null) {
            Step s = announce;
            announce = null;
            return Optional.of(s);
        }
        try {
            return current.next(previous);
        } catch (EngineException.ProviderFailure e) {
            current.close();
            advance(e);
            Step s = announce;
            announce = null;
            return Optional.of(s);
        }
    }

    /** Starts the next candidate that starts; throws when none is left. */
    private void advance(EngineException.ProviderFailure cause) {
        String from = index >= 0 ? candidates.get(index).name() : null;
        if (cause != null) failures.add(cause.getMessage());
        while (++index < candidates.size()) {
            Candidate c = candidates.get(index);
            try {
                current = c.start().get();
                if (from != null) announce = new Step.ProviderSwitch(from, c.name(), cause.getMessage());
                return;
            } catch (EngineException.ProviderFailure e) {
                // A provider that cannot even start (no key, no CLI) is passed over, and the switch recorded.
                from = c.name();
                cause = e;
                failures.add(e.getMessage());
            }
        }
        current = null;
        throw new EngineException("every provider failed: " + String.join("; ", failures));
    }

    @Override
    public Optional<Identity> identity() {
        return current == null ? Optional.empty() : current.identity();
    }

    @Override
    public void close() {
        if (current != null) current.close();
    }
}
