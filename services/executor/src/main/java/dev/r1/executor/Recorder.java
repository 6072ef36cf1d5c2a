package dev.r1.executor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.pipeline.flow.TaskTrace;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where an agent run's steps go: straight into the phase's trace, or (for plan items running in
 * parallel) into a buffer that is replayed into the trace in item order once all are done, so
 * the events do not depend on which item finished first.
 */
interface Recorder {
    void thought(String label, String text, ObjectNode x);

    void toolCall(String label, ObjectNode args, byte[] result, long exitCode, String detail, ObjectNode x);

    void artifact(String label, String mediaType, byte[] bytes, String uri, String detail);

    /** Gate decisions on a tool call (recorded against EXECUTE->VERIFY, gate ids {@code tool:<id>}). */
    void decisions(List<TaskTrace.GateResult> results);

    static Recorder of(TaskTrace trace) {
        return new Recorder() {
            @Override
            public void decisions(List<TaskTrace.GateResult> results) {
                trace.decisions(dev.r1.stoke.event.Transition.of(dev.r1.stoke.event.Stage.EXECUTE, dev.r1.stoke.event.Stage.VERIFY), results);
            }

            @Override
            public void thought(String label, String text, ObjectNode x) {
                if (x == null) trace.thought(label, text);
                else trace.thought(label, text, x);
            }

            @Override
            public void toolCall(String label, ObjectNode args, byte[] result, long exitCode, String detail, ObjectNode x) {
                if (x == null) trace.toolCall(label, args, result, exitCode, detail);
                else trace.toolCall(label, args, result, exitCode, detail, x);
            }

            @Override
            public void artifact(String label, String mediaType, byte[] bytes, String uri, String detail) {
                trace.artifact(label, mediaType, bytes, uri, detail);
            }
        };
    }

    /** Keeps the calls to replay them later. */
    final class Buffer implements Recorder {
        private final List<Consumer<Recorder>> calls = new ArrayList<>();

        @Override
        public synchronized void thought(String label, String text, ObjectNode x) {
            calls.add(r -> r.thought(label, text, x));
        }

        @Override
        public synchronized void toolCall(String label, ObjectNode args, byte[] result, long exitCode, String detail, ObjectNode x) {
            calls.add(r -> r.toolCall(label, args, result, exitCode, detail, x));
        }

        @Override
        public synchronized void artifact(String label, String mediaType, byte[] bytes, String uri, String detail) {
            calls.add(r -> r.artifact(label, mediaType, bytes, uri, detail));
        }

        @Override
        public synchronized void decisions(List<TaskTrace.GateResult> results) {
            calls.add(r -> r.decisions(results));
        }

        synchronized void replay(Recorder into) {
            calls.forEach(c -> c.accept(into));
        }
    }
}
