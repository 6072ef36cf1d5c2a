package dev.r1.stoke.keys;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/** One PEM block in, one PEM block out. */
final class Pem {
    private Pem() {}

    static byte[] read(String pem, String expectedType) {
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            PemObject object = reader.readPemObject();
            if (object == null) throw new KeyFormatException("no PEM block found");
            if (!object.getType().equals(expectedType)) {
                throw new KeyFormatException("expected a " + expectedType + " PEM block, found " + object.getType());
            }
            return object.getContent();
        } catch (IOException e) {
            throw new KeyFormatException("unreadable PEM: " + e.getMessage(), e);
        }
    }

    static String write(String type, byte[] der) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
