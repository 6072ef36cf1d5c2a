package dev.r1.pipeline.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The engine a task runs on. For {@code scripted}, {@code plan} and {@code attempts} (one list
 * of steps per EXECUTE attempt) are the recording it replays; other kinds keep their settings.
 */
public record Engine(String kind, Plan plan, List<List<Step>> attempts, ObjectNode settings) {
    public static final String SCRIPTED = "scripted";

    public Engine {
        attempts = attempts.stream().map(List::copyOf).toList();
    }

    /** The steps of an attempt (1-based); an attempt past the recording replays nothing. */
    public List<Step> attempt(int number) {
        return number >= 1 && number <= attempts.size() ? attempts.get(number - 1) : List.of();
    }
}
