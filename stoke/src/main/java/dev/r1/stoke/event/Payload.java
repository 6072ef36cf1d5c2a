package dev.r1.stoke.event;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/** The members that belong to one event type. Optional members are null when absent. */
public sealed interface Payload {
    EventType type();

    /** Reasoning text; the text itself is the event's {@code detail}. */
    record Thought() implements Payload {
        public EventType type() {
            return EventType.THOUGHT;
        }
    }

    /** {@code args} is the canonicalised argument object; {@code exitCode} may be null. */
    record ToolCall(ObjectNode args, String resultHash, Long exitCode) implements Payload {
        public ToolCall {
            Objects.requireNonNull(args, "args");
            Objects.requireNonNull(resultHash, "result_hash");
        }

        public EventType type() {
            return EventType.TOOL_CALL;
        }
    }

    record MemoryRead(String key, String fingerprint) implements Payload {
        public MemoryRead {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(fingerprint, "fingerprint");
        }

        public EventType type() {
            return EventType.MEMORY_READ;
        }
    }

    record MemoryWrite(String key, String fingerprint, String diffHash) implements Payload {
        public MemoryWrite {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(diffHash, "diff_hash");
        }

        public EventType type() {
            return EventType.MEMORY_WRITE;
        }
    }

    /** {@code requiredGates} is sorted; {@code override} may be null. */
    record PhaseTransition(Stage from, Stage to, List<String> requiredGates, Override override) implements Payload {
        public PhaseTransition {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            requiredGates = List.copyOf(requiredGates);
        }

        public Transition transition() {
            return new Transition(from, to);
        }

        public EventType type() {
            return EventType.PHASE_TRANSITION;
        }
    }

    /** An operator's decision to proceed over the listed non-allow gate decisions. */
    record Override(String operator, String reason, List<String> decisions) {
        public Override {
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(reason, "reason");
            decisions = List.copyOf(decisions);
        }
    }

    record GateDecision(String gate, Transition transition, Verdict verdict, String reason) implements Payload {
        public GateDecision {
            Objects.requireNonNull(gate, "gate");
            Objects.requireNonNull(transition, "transition");
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(reason, "reason");
        }

        public EventType type() {
            return EventType.GATE_DECISION;
        }
    }

    /** {@code uri} may be null. */
    record Artifact(String contentHash, String mediaType, String uri) implements Payload {
        public Artifact {
            Objects.requireNonNull(contentHash, "content_hash");
            Objects.requireNonNull(mediaType, "media_type");
        }

        public EventType type() {
            return EventType.ARTIFACT;
        }
    }

    record SkillAuthoringDecision(String questionId, String answer, ObjectNode interpretation, double confidence)
            implements Payload {
        public SkillAuthoringDecision {
            Objects.requireNonNull(questionId, "question_id");
            Objects.requireNonNull(answer, "answer");
            Objects.requireNonNull(interpretation, "interpretation");
        }

        public EventType type() {
            return EventType.SKILL_AUTHORING_DECISION;
        }
    }

    record BeaconLedgerEvent(String kind, String operator, String device, String beacon, ArrayNode provenance)
            implements Payload {
        public BeaconLedgerEvent {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(beacon, "beacon");
            Objects.requireNonNull(provenance, "provenance");
        }

        public EventType type() {
            return EventType.BEACON_LEDGER_EVENT;
        }
    }
}
