package dev.r1.stoke.receipt;

import static dev.r1.stoke.testkit.TestKeys.SIGNER;
import static dev.r1.stoke.testkit.TestKeys.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.json.Jcs;
import dev.r1.stoke.json.StrictJson;
import dev.r1.stoke.testkit.ReceiptForge;
import dev.r1.stoke.testkit.SampleRun;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A sealed receipt is exactly what STOKE v1.0 §4–5 describe, byte for byte. */
class ReceiptSealingTest {
    private final SampleRun run = new SampleRun();
    private final SealedReceipt sealed = run.seal();

    @Test
    void itVerifiesAndReadsBackAsSealed() {
        Verification v = VERIFIER.verify(sealed.file());
        assertThat(v.violation()).isNull();
        assertThat(v.receipt().digest()).isEqualTo(sealed.receipt().digest());
        assertThat(v.receipt().events()).isEqualTo(sealed.receipt().events());
        assertThat(v.receipt().terminal()).isEqualTo(run.done);
        assertThat(v.receipt().task()).isEqualTo(SampleRun.TASK);
    }

    @Test
    void theFileIsTheReceiptWrittenIndependently() {
        // canonical order by an independent Kahn sort, JCS of the whole receipt, Ed25519 over SHA-256 of the rest
        byte[] independent = ReceiptForge.seal(ReceiptForge.json(run.events), SIGNER);
        assertThat(new String(sealed.file(), StandardCharsets.UTF_8))
                .isEqualTo(new String(independent, StandardCharsets.UTF_8));
    }

    @Test
    void theFileIsItsOwnCanonicalForm() {
        assertThat(Jcs.canonicalize(StrictJson.parse(sealed.file()))).isEqualTo(sealed.file());
        assertThat(sealed.file()[sealed.file().length - 1]).isEqualTo((byte) '}');
        assertThat(new String(sealed.file(), StandardCharsets.UTF_8))
                .startsWith("{\"events\":[{")
                .contains("],\"signature\":\"ed25519:", "\",\"signing_key_id\":\"" + SIGNER.keyId() + "\",")
                .endsWith(",\"spec_version\":\"1.0\"}");
    }

    @Test
    void theDigestIsSha256OfTheReceiptWithoutItsSignature() {
        ObjectNode receipt = (ObjectNode) StrictJson.parse(sealed.file());
        String signature = receipt.remove("signature").textValue();
        byte[] digest = Sha256.digest(Jcs.canonicalize(receipt));
        assertThat(sealed.receipt().digest()).isEqualTo(Sha256.toHex(digest));
        assertThat(signature).isEqualTo(sealed.receipt().signature()).matches("ed25519:[A-Za-z0-9_-]{86}");
        byte[] raw = Base64.getUrlDecoder().decode(signature.substring("ed25519:".length()));
        assertThat(SIGNER.verifyingKey().verify(digest, raw)).isTrue();
        assertThat(raw).isEqualTo(SIGNER.sign(digest));
    }

    @Test
    void eventsComeInCanonicalOrder() {
        JsonNode events = StrictJson.parse(sealed.file()).get("events");
        List<String> ids = new ArrayList<>();
        events.forEach(e -> ids.add(e.get("id").textValue()));
        assertThat(ids.get(0)).isEqualTo(run.root.id());
        assertThat(ids.get(ids.size() - 1)).isEqualTo(run.done.id());
        assertThat(ids).containsExactlyElementsOf(
                ReceiptForge.canonicalOrder(ReceiptForge.json(run.events)).stream().map(ReceiptForge::id).toList());
        for (int i = 0; i < events.size(); i++) {
            assertThat(Jcs.canonicalize(events.get(i))).isEqualTo(EventCodec.canonical(sealed.receipt().events().get(i)));
        }
    }

    @Test
    void theSameEventsInAnyOrderGiveTheSameBytes() {
        List<Event> shuffled = new ArrayList<>(run.events);
        Collections.shuffle(shuffled, new Random(8785));
        assertThat(new ReceiptSealer(SIGNER).seal(shuffled).file()).isEqualTo(sealed.file());
    }

    @Test
    void anotherKeyGivesAnotherSignatureOverAnotherDigest() {
        SealedReceipt other = new ReceiptSealer(dev.r1.stoke.testkit.TestKeys.STRANGER).seal(run.events);
        assertThat(other.receipt().digest()).isNotEqualTo(sealed.receipt().digest());
        assertThat(other.receipt().signature()).isNotEqualTo(sealed.receipt().signature());
        assertThat(other.receipt().events()).isEqualTo(sealed.receipt().events());
    }

    @Test
    void aSingleEventChangeChangesTheDigest() {
        List<Event> events = new ArrayList<>(run.events);
        SealedReceipt before = new ReceiptSealer(SIGNER).seal(events);
        List<ObjectNode> nodes = ReceiptForge.json(events);
        ReceiptForge.find(nodes, run.planThought.id()).put("detail", "read the issue twice, then plan");
        ReceiptForge.rehash(nodes);
        List<Event> changed = nodes.stream().map(EventCodec::decode).toList();
        SealedReceipt after = new ReceiptSealer(SIGNER).seal(changed);
        assertThat(VERIFIER.verify(after.file()).violation()).isNull();
        assertThat(after.receipt().digest()).isNotEqualTo(before.receipt().digest());
    }
}
