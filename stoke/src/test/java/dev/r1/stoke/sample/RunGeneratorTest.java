package dev.r1.stoke.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.receipt.ReceiptSealer;
import dev.r1.stoke.receipt.ReceiptVerifier;
import dev.r1.stoke.receipt.Verification;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunGeneratorTest {
    private static final SigningKey KEY = SigningKey.fromSeed(new byte[32]);

    @ParameterizedTest
    @ValueSource(ints = {10, 15, 16, 1000})
    void exactlyNEventsThatSealIntoAVerifyingReceipt(int n) {
        List<Event> events = RunGenerator.events("gen-" + n, n, 7L);
        assertThat(events).hasSize(n);
        assertThat(events).extracting(Event::task).containsOnly("gen-" + n);
        // Recording order: every cause comes before the event it causes.
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Event e : events) {
            assertThat(seen).containsAll(e.causedBy());
            seen.add(e.id());
        }
        Verification v = new ReceiptVerifier(Keyring.of(KEY.verifyingKey())).verify(new ReceiptSealer(KEY).seal(events).file());
        assertThat(v.valid()).as(String.valueOf(v.violation())).isTrue();
        assertThat(v.receipt().events()).hasSize(n);
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedDoesNot() {
        assertThat(canonical(1L)).containsExactlyElementsOf(canonical(1L)).isNotEqualTo(canonical(2L));
    }

    private static List<String> canonical(long seed) {
        return RunGenerator.events("t", 40, seed).stream()
                .map(e -> new String(EventCodec.canonical(e), java.nio.charset.StandardCharsets.UTF_8)).toList();
    }

    @Test
    void fewerThanTenEventsIsRefused() {
        assertThatThrownBy(() -> RunGenerator.events("t", 9, 1L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 10");
    }
}
