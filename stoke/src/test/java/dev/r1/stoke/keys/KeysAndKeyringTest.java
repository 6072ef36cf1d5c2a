package dev.r1.stoke.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.r1.stoke.Conformance;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.json.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys of STOKE v1.0 §5: PKCS#8 / SPKI PEM, and a kid computed from the raw public key. */
class KeysAndKeyringTest {
    private static final SigningKey KEY = SigningKey.fromSeed(new byte[32]);
    private static final SigningKey OTHER = SigningKey.fromSeed(filled(7));

    @Test
    void kidIsSha256OfTheRaw32BytePublicKey() {
        byte[] raw = KEY.verifyingKey().raw();
        assertThat(raw).hasSize(32);
        assertThat(KEY.keyId()).isEqualTo("kid:" + Sha256.hex(raw)).matches("kid:[0-9a-f]{64}");
        assertThat(VerifyingKey.fromRaw(raw).keyId()).isEqualTo(KEY.keyId());
    }

    @Test
    void theConformanceSignerIsTheKidItsReceiptsName() throws IOException {
        VerifyingKey pub = VerifyingKey.fromPem(Files.readString(Conformance.resolve("keys/signer.pub.pem")));
        SigningKey key = SigningKey.fromPem(Files.readString(Conformance.resolve("keys/signer.key.pem")));
        assertThat(key.verifyingKey()).isEqualTo(pub);
        String kid = StrictJson.parse(Files.readAllBytes(Conformance.resolve("valid/task-1-0.json")))
                .get("signing_key_id").textValue();
        assertThat(pub.keyId()).isEqualTo(kid);
    }

    @Test
    void pemFormsAreTheStandardOnes() {
        String privatePem = KEY.toPem();
        String publicPem = KEY.verifyingKey().toPem();
        assertThat(privatePem).startsWith("-----BEGIN PRIVATE KEY-----").contains("-----END PRIVATE KEY-----");
        assertThat(publicPem).startsWith("-----BEGIN PUBLIC KEY-----").contains("-----END PUBLIC KEY-----");
        assertThat(SigningKey.fromPem(privatePem).keyId()).isEqualTo(KEY.keyId());
        assertThat(VerifyingKey.fromPem(publicPem)).isEqualTo(KEY.verifyingKey());
    }

    @Test
    void signingIsDeterministic() {
        byte[] message = "the same bytes".getBytes(StandardCharsets.UTF_8);
        assertThat(KEY.sign(message)).isEqualTo(KEY.sign(message)).hasSize(64);
        assertThat(KEY.verifyingKey().verify(message, KEY.sign(message))).isTrue();
        assertThat(OTHER.verifyingKey().verify(message, KEY.sign(message))).isFalse();
    }

    @Test
    void malformedKeysAreRefused() {
        assertThatThrownBy(() -> SigningKey.fromSeed(new byte[31])).isInstanceOf(KeyFormatException.class);
        assertThatThrownBy(() -> VerifyingKey.fromRaw(new byte[33])).isInstanceOf(KeyFormatException.class);
        assertThatThrownBy(() -> SigningKey.fromPem(KEY.verifyingKey().toPem())).isInstanceOf(KeyFormatException.class);
        assertThatThrownBy(() -> VerifyingKey.fromPem(KEY.toPem())).isInstanceOf(KeyFormatException.class);
        assertThatThrownBy(() -> VerifyingKey.fromPem("not a pem")).isInstanceOf(KeyFormatException.class);
    }

    @Test
    void aKeyringDirectoryTrustsPublicKeysByComputedKidNotByFileName(@TempDir Path dir) throws IOException {
        // the file names lie about the kid; private keys beside them are passed over
        Files.writeString(dir.resolve(OTHER.keyId().substring(4) + ".pem"), KEY.verifyingKey().toPem());
        Files.writeString(dir.resolve("signer.key.pem"), OTHER.toPem());
        Files.writeString(dir.resolve("notes.txt"), "not a key");
        Keyring ring = Keyring.load(List.of(dir));
        assertThat(ring.find(KEY.keyId())).contains(KEY.verifyingKey());
        assertThat(ring.find(OTHER.keyId())).isEmpty();
        assertThat(ring.keys()).hasSize(1);
    }

    @Test
    void aKeyringFileMayBeNamedDirectly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("anything.pub");
        Files.writeString(file, OTHER.verifyingKey().toPem());
        assertThat(Keyring.load(List.of(file)).find(OTHER.keyId())).contains(OTHER.verifyingKey());
    }

    @Test
    void aKeyringOfKeysFindsEachByKid() {
        Keyring ring = Keyring.of(KEY.verifyingKey(), OTHER.verifyingKey());
        assertThat(ring.find(KEY.keyId())).contains(KEY.verifyingKey());
        assertThat(ring.find(OTHER.keyId())).contains(OTHER.verifyingKey());
        assertThat(ring.find("kid:" + "0".repeat(64))).isEmpty();
        assertThat(Keyring.of().isEmpty()).isTrue();
    }

    private static byte[] filled(int value) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}
