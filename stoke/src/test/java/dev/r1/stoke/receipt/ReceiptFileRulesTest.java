package dev.r1.stoke.receipt;

import static dev.r1.stoke.testkit.ReceiptForge.encodeSignature;
import static dev.r1.stoke.testkit.ReceiptForge.resign;
import static dev.r1.stoke.testkit.ReceiptForge.signatureOf;
import static dev.r1.stoke.testkit.ReceiptForge.withSignature;
import static dev.r1.stoke.testkit.TestKeys.SIGNER;
import static dev.r1.stoke.testkit.TestKeys.STRANGER;
import static dev.r1.stoke.testkit.TestKeys.VERIFIER;
import static dev.r1.stoke.testkit.Violations.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.Rule;
import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.json.StrictJson;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.testkit.SampleRun;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules about the receipt as a whole (STOKE v1.0 §5–6): the file is the JCS bytes with at
 * most one trailing newline, exactly four members, a trusted kid and an Ed25519 signature over
 * the digest, in canonical unpadded base64url. None of these names an event.
 */
class ReceiptFileRulesTest {
    private final byte[] file = new SampleRun().file();

    @Test
    void theSealedFileIsValid() {
        assertThat(VERIFIER.verify(file).violation()).isNull();
    }

    @Nested
    class CanonicalBytes {
        @Test
        void oneTrailingNewlineIsAllowed() {
            assertThat(VERIFIER.verify(append(file, "\n")).violation()).isNull();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"\n\n", "\r\n", " ", "\t", " \n", "\n ", "\u0000"})
        void anythingElseAfterTheReceiptIsNot(String suffix) {
            assertRejected(VERIFIER.verify(append(file, suffix)), Rule.PARSE, null);
        }

        @Test
        void whitespaceBeforeTheReceipt() {
            assertRejected(VERIFIER.verify(append(" ".getBytes(StandardCharsets.US_ASCII), file)), Rule.PARSE, null);
        }

        @Test
        void aByteOrderMark() {
            byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
            assertRejected(VERIFIER.verify(append(bom, file)), Rule.PARSE, null);
        }

        @Test
        void aSpaceAfterAColon() {
            String text = new String(file, StandardCharsets.UTF_8);
            byte[] spaced = text.replaceFirst("\"spec_version\":", "\"spec_version\": ").getBytes(StandardCharsets.UTF_8);
            StokeViolation v = assertRejected(VERIFIER.verify(spaced), Rule.PARSE, null);
            assertThat(v.getMessage()).contains("canonical");
        }

        @Test
        void prettyPrinted() throws Exception {
            ObjectMapper mapper = StrictJson.mapper();
            byte[] pretty = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(StrictJson.parse(file));
            assertRejected(VERIFIER.verify(pretty), Rule.PARSE, null);
        }

        @Test
        void membersOutOfOrder() {
            String text = new String(file, StandardCharsets.UTF_8);
            int sig = text.indexOf(",\"signature\":");
            // {"events":[...],"signature":...} -> {"signature":...,"events":[...]}
            String reordered = "{" + text.substring(sig + 1, text.length() - 1) + "," + text.substring(1, sig) + "}";
            assertThat(StrictJson.parse(reordered)).isEqualTo(StrictJson.parse(file));
            assertRejected(VERIFIER.verify(reordered.getBytes(StandardCharsets.UTF_8)), Rule.PARSE, null);
        }

        @Test
        void aNumberNotInItsShortestForm() {
            String text = new String(file, StandardCharsets.UTF_8);
            assertThat(text).contains("\"t\":0.137,");
            byte[] longer = text.replaceFirst("\"t\":0\\.137,", "\"t\":0.1370,").getBytes(StandardCharsets.UTF_8);
            assertRejected(VERIFIER.verify(longer), Rule.PARSE, null);
        }

        @Test
        void anEscapeWhereJcsWritesTheCharacter() {
            String text = new String(file, StandardCharsets.UTF_8);
            byte[] escaped = text.replaceFirst("\"spec_version\"", "\"spec_\\\\u0076ersion\"").getBytes(StandardCharsets.UTF_8);
            assertThat(StrictJson.parse(escaped)).isEqualTo(StrictJson.parse(file));
            assertRejected(VERIFIER.verify(escaped), Rule.PARSE, null);
        }

        @Test
        void notJsonAtAll() {
            assertRejected(VERIFIER.verify(new byte[0]), Rule.PARSE, null);
            assertRejected(VERIFIER.verify(Arrays.copyOf(file, file.length - 1)), Rule.PARSE, null);
            assertRejected(VERIFIER.verify("{\"events\":[],\"events\":[]}".getBytes(StandardCharsets.UTF_8)), Rule.PARSE, null);
        }
    }

    @Nested
    class SpecVersion {
        @Test
        void anotherVersion() {
            StokeViolation v = assertRejected(VERIFIER.verify(resign(file, r -> r.put("spec_version", "1.1"), SIGNER)),
                    Rule.SPEC_VERSION, null);
            assertThat(v.getMessage()).contains("spec_version must be \"1.0\"");
        }

        @Test
        void theVersionAsANumber() {
            assertRejected(VERIFIER.verify(resign(file, r -> r.put("spec_version", 1.0), SIGNER)), Rule.SPEC_VERSION, null);
        }

        @Test
        void noVersion() {
            assertRejected(VERIFIER.verify(resign(file, r -> r.remove("spec_version"), SIGNER)), Rule.SPEC_VERSION, null);
        }

        @Test
        void aFifthMember() {
            StokeViolation v = assertRejected(VERIFIER.verify(resign(file, r -> r.put("comment", "hi"), SIGNER)),
                    Rule.SPEC_VERSION, null);
            assertThat(v.getMessage()).contains("unknown receipt member comment");
        }

        @Test
        void eventsThatAreNotAnArray() {
            assertRejected(VERIFIER.verify(resign(file, r -> r.putObject("events"), SIGNER)), Rule.SPEC_VERSION, null);
        }

        @Test
        void noSignature() {
            ObjectNode r = (ObjectNode) StrictJson.parse(file);
            r.remove("signature");
            assertRejected(VERIFIER.verify(dev.r1.stoke.json.Jcs.canonicalize(r)), Rule.SPEC_VERSION, null);
        }

        @Test
        void notAnObject() {
            assertRejected(VERIFIER.verify("[]".getBytes(StandardCharsets.UTF_8)), Rule.SPEC_VERSION, null);
        }
    }

    @Nested
    class UnknownKey {
        @Test
        void signedByAKeyTheVerifierDoesNotTrust() {
            byte[] signed = resign(file, r -> r.put("signing_key_id", STRANGER.keyId()), STRANGER);
            StokeViolation v = assertRejected(VERIFIER.verify(signed), Rule.UNKNOWN_KEY, null);
            assertThat(v.getMessage()).contains(STRANGER.keyId());
            // the same file is valid for a verifier that trusts the stranger
            assertThat(new ReceiptVerifier(Keyring.of(STRANGER.verifyingKey())).verify(signed).violation()).isNull();
        }

        @Test
        void anEmptyKeyring() {
            assertRejected(new ReceiptVerifier(Keyring.of()).verify(file), Rule.UNKNOWN_KEY, null);
        }

        @Test
        void aKidNotWrittenKidColonHex() {
            String upper = "kid:" + SIGNER.keyId().substring(4).toUpperCase();
            assertRejected(VERIFIER.verify(resign(file, r -> r.put("signing_key_id", upper), SIGNER)), Rule.UNKNOWN_KEY, null);
            String bare = SIGNER.keyId().substring(4);
            assertRejected(VERIFIER.verify(resign(file, r -> r.put("signing_key_id", bare), SIGNER)), Rule.UNKNOWN_KEY, null);
        }
    }

    @Nested
    class Signature {
        @ParameterizedTest(name = "bit {0}")
        @ValueSource(ints = {0, 1, 7, 8, 100, 255, 256, 300, 504, 511})
        void aFlippedBit(int bit) {
            byte[] raw = rawSignature(file);
            raw[bit / 8] ^= (byte) (1 << (bit % 8));
            StokeViolation v = assertRejected(VERIFIER.verify(withSignature(file, encodeSignature(raw))), Rule.SIGNATURE, null);
            assertThat(v.getMessage()).contains("does not verify");
        }

        @Test
        void theTrustedKidOverAnotherKeysSignature() {
            ObjectNode r = (ObjectNode) StrictJson.parse(file);
            r.remove("signature");
            byte[] digest = dev.r1.stoke.Sha256.digest(dev.r1.stoke.json.Jcs.canonicalize(r));
            byte[] forged = withSignature(file, encodeSignature(STRANGER.sign(digest)));
            assertRejected(VERIFIER.verify(forged), Rule.SIGNATURE, null);
        }

        @Test
        void aSignatureOverTheUnsignedBytesRatherThanTheirDigest() {
            ObjectNode r = (ObjectNode) StrictJson.parse(file);
            r.remove("signature");
            byte[] wrong = withSignature(file, encodeSignature(SIGNER.sign(dev.r1.stoke.json.Jcs.canonicalize(r))));
            assertRejected(VERIFIER.verify(wrong), Rule.SIGNATURE, null);
        }

        @Test
        void nonCanonicalBase64url() {
            // 64 bytes take 86 characters; the last carries 2 bits and 4 zero padding bits
            String good = signatureOf(file);
            char last = good.charAt(good.length() - 1);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            assertThat(alphabet.indexOf(last) % 16).isZero();
            String sloppy = good.substring(0, good.length() - 1) + alphabet.charAt(alphabet.indexOf(last) + 1);
            StokeViolation v = assertRejected(VERIFIER.verify(withSignature(file, sloppy)), Rule.SIGNATURE, null);
            assertThat(v.getMessage()).contains("canonical");
        }

        @Test
        void paddedBase64url() {
            assertRejected(VERIFIER.verify(withSignature(file, signatureOf(file) + "==")), Rule.SIGNATURE, null);
        }

        @Test
        void standardBase64Alphabet() {
            byte[] raw = rawSignature(file);
            String standard = "ed25519:" + Base64.getEncoder().withoutPadding().encodeToString(raw);
            if (standard.equals(signatureOf(file))) {
                // no '+' or '/' happened to occur: force one by changing the first character
                standard = "ed25519:+" + standard.substring(9);
            }
            assertRejected(VERIFIER.verify(withSignature(file, standard)), Rule.SIGNATURE, null);
        }

        @Test
        void wrongOrMissingPrefix() {
            String encoded = signatureOf(file).substring("ed25519:".length());
            assertRejected(VERIFIER.verify(withSignature(file, encoded)), Rule.SIGNATURE, null);
            assertRejected(VERIFIER.verify(withSignature(file, "ED25519:" + encoded)), Rule.SIGNATURE, null);
            assertRejected(VERIFIER.verify(withSignature(file, "ecdsa:" + encoded)), Rule.SIGNATURE, null);
        }

        @Test
        void wrongLength() {
            byte[] raw = rawSignature(file);
            assertRejected(VERIFIER.verify(withSignature(file, encodeSignature(Arrays.copyOf(raw, 63)))), Rule.SIGNATURE, null);
            assertRejected(VERIFIER.verify(withSignature(file, encodeSignature(Arrays.copyOf(raw, 65)))), Rule.SIGNATURE, null);
            assertRejected(VERIFIER.verify(withSignature(file, "ed25519:")), Rule.SIGNATURE, null);
        }
    }

    private static byte[] rawSignature(byte[] file) {
        return Base64.getUrlDecoder().decode(signatureOf(file).substring("ed25519:".length()));
    }

    private static byte[] append(byte[] a, String b) {
        return append(a, b.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] append(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
