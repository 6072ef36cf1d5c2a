package dev.r1.stoke.receipt;

import static dev.r1.stoke.testkit.TestKeys.SIGNER;
import static dev.r1.stoke.testkit.TestKeys.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.stoke.Conformance;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.graph.TaskGraph;
import dev.r1.stoke.json.Jcs;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.keys.VerifyingKey;
import dev.r1.stoke.testkit.ReceiptForge;
import dev.r1.stoke.testkit.RunScripts;
import dev.r1.stoke.testkit.RunScripts.Played;
import dev.r1.stoke.testkit.RunScripts.Script;
import dev.r1.stoke.testkit.SampleRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/** Properties of sealing and verifying, over random legal runs and random damage to valid receipts. */
class ReceiptPropertiesTest {
    /** Valid receipt files: the sample run, and every valid conformance vector (signed by the conformance key). */
    private static final List<byte[]> VALID_FILES = validFiles();
    private static final ReceiptVerifier TRUSTING_BOTH = new ReceiptVerifier(Keyring.of(SIGNER.verifyingKey(),
            conformanceKey()));

    @Provide
    Arbitrary<Script> runs() {
        return RunScripts.scripts();
    }

    /** (a) Any legal run seals, and its receipt verifies and reads back as the same events. */
    @Property(tries = 100)
    void randomRunsSealAndVerify(@ForAll("runs") Script script) {
        Played run = RunScripts.play(script);
        SealedReceipt sealed = new ReceiptSealer(SIGNER).seal(run.events());

        Verification v = VERIFIER.verify(sealed.file());
        assertThat(v.violation()).as(() -> String.valueOf(v.violation())).isNull();
        // the same events (compared by their canonical bytes: Jackson tells an IntNode 0 from a LongNode 0)
        assertThat(v.receipt().events().stream().map(ReceiptPropertiesTest::text))
                .containsExactlyInAnyOrderElementsOf(run.events().stream().map(ReceiptPropertiesTest::text).toList());
        assertThat(v.receipt().terminal().asTransition().to()).isEqualTo(run.end());
        assertThat(v.receipt().digest()).isEqualTo(sealed.receipt().digest());
        // the receipt written independently (own canonical order, own JCS framing and signing) is the same bytes
        assertThat(sealed.file()).isEqualTo(ReceiptForge.seal(ReceiptForge.json(run.events()), SIGNER));
        for (Event e : run.events()) {
            assertThat(EventCodec.canonical(e)).isEqualTo(Jcs.canonicalize(EventCodec.toJson(e, true)));
        }

        Statistics.label("end").collect(run.end());
        Statistics.label("retried").collect(run.retries() > 0);
        Statistics.label("overridden").collect(run.overrides() > 0);
        Statistics.label("end").coverage(c -> {
            c.check(Stage.DONE).percentage(p -> p > 20);
            c.check(Stage.FAILED).percentage(p -> p > 3);
        });
        Statistics.label("retried").coverage(c -> c.check(true).count(n -> n > 0));
        Statistics.label("overridden").coverage(c -> c.check(true).count(n -> n > 0));
    }

    /** (b) The canonical order, and so the receipt, does not depend on the order the events come in. */
    @Property(tries = 100)
    void inputOrderDoesNotMatter(@ForAll("runs") Script script, @ForAll long seed) {
        List<Event> events = RunScripts.play(script).events();
        List<Event> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(seed));
        List<Event> reversed = new ArrayList<>(events);
        Collections.reverse(reversed);

        byte[] file = new ReceiptSealer(SIGNER).seal(events).file();
        assertThat(new ReceiptSealer(SIGNER).seal(shuffled).file()).isEqualTo(file);
        assertThat(new ReceiptSealer(SIGNER).seal(reversed).file()).isEqualTo(file);
        assertThat(TaskGraph.of(shuffled).canonicalOrder().stream().map(Event::id))
                .containsExactlyElementsOf(ReceiptForge.canonicalOrder(ReceiptForge.json(events)).stream()
                        .map(ReceiptForge::id).toList());
    }

    /** (c) Changing any one byte of a valid receipt makes it invalid: never still valid, never a crash. */
    @Property(tries = 200)
    void changingAnyByteInvalidates(@ForAll("fileIndex") int which,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where,
            @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] file = VALID_FILES.get(which);
        int position = (int) (where * file.length);
        byte[] changed = file.clone();
        changed[position] ^= (byte) xor;
        Verification v = TRUSTING_BOTH.verify(changed);
        assertThat(v.valid()).as("byte %d changed from %02x to %02x", position, file[position], changed[position])
                .isFalse();
        Statistics.label("rule").collect(v.violation().rule());
    }

    /** Dropping any one byte makes a valid receipt invalid. */
    @Property(tries = 100)
    void droppingAnyByteInvalidates(@ForAll("fileIndex") int which,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where) {
        byte[] file = VALID_FILES.get(which);
        int position = (int) (where * file.length);
        byte[] shorter = new byte[file.length - 1];
        System.arraycopy(file, 0, shorter, 0, position);
        System.arraycopy(file, position + 1, shorter, position, file.length - position - 1);
        assertThat(TRUSTING_BOTH.verify(shorter).valid()).as("byte %d dropped", position).isFalse();
    }

    /** Inserting any byte anywhere makes a valid receipt invalid, except one newline at the very end. */
    @Property(tries = 100)
    void insertingAnyByteInvalidatesButOneFinalNewline(@ForAll("fileIndex") int which,
            @ForAll @DoubleRange(min = 0, max = 1) double where, @ForAll byte inserted) {
        byte[] file = VALID_FILES.get(which);
        int position = (int) Math.round(where * file.length);
        byte[] longer = new byte[file.length + 1];
        System.arraycopy(file, 0, longer, 0, position);
        longer[position] = inserted;
        System.arraycopy(file, position, longer, position + 1, file.length - position);
        boolean finalNewline = position == file.length && inserted == '\n';
        assertThat(TRUSTING_BOTH.verify(longer).valid()).as("byte %02x inserted at %d", inserted, position)
                .isEqualTo(finalNewline);
    }

    private static String text(Event e) {
        return new String(EventCodec.canonical(e), StandardCharsets.UTF_8);
    }

    @Provide
    Arbitrary<Integer> fileIndex() {
        return Arbitraries.integers().between(0, VALID_FILES.size() - 1);
    }

    private static List<byte[]> validFiles() {
        List<byte[]> files = new ArrayList<>();
        files.add(new SampleRun().file());
        try (Stream<Path> valid = Files.list(Conformance.resolve("valid"))) {
            for (Path p : valid.sorted().toList()) files.add(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the vectors are stored with or without a trailing newline; use the bare JCS bytes
        files.replaceAll(f -> f[f.length - 1] == '\n' ? Arrays.copyOf(f, f.length - 1) : f);
        return List.copyOf(files);
    }

    private static VerifyingKey conformanceKey() {
        try {
            return VerifyingKey.fromPem(Files.readString(Conformance.resolve("keys/signer.pub.pem"), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
