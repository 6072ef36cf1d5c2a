package dev.r1.gates.wasm;

import com.dylibso.chicory.wabt.Wat2Wasm;
import com.dylibso.chicory.wasm.Parser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Build tool: compiles every {@code .wat} file in a directory to {@code .wasm} with wabt's
 * wat2wasm (compiled to Java by Chicory, so the build needs nothing outside Maven Central).
 * Needs {@code com.dylibso.chicory:wabt} on the class path, which the library itself does not
 * ship. Usage: {@code WatCompiler SOURCE_DIR OUTPUT_DIR}.
 */
public final class WatCompiler {
    private WatCompiler() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: WatCompiler SOURCE_DIR OUTPUT_DIR");
            System.exit(2);
        }
        Path src = Path.of(args[0]);
        Path out = Path.of(args[1]);
        if (!Files.isDirectory(src)) return;
        Files.createDirectories(out);
        List<Path> sources;
        try (Stream<Path> s = Files.list(src)) {
            sources = s.filter(p -> p.getFileName().toString().endsWith(".wat")).sorted().toList();
        }
        for (Path wat : sources) {
            String name = wat.getFileName().toString();
            Path target = out.resolve(name.substring(0, name.length() - 4) + ".wasm");
            if (Files.exists(target) && Files.getLastModifiedTime(target).compareTo(Files.getLastModifiedTime(wat)) > 0) continue;
            byte[] wasm;
            try {
                wasm = Wat2Wasm.parse(wat.toFile());
                Parser.parse(wasm);
            } catch (RuntimeException e) {
                throw new IOException("cannot compile " + wat + ": " + e.getMessage(), e);
            }
            Files.write(target, wasm);
            System.out.println("[wat2wasm] " + src.relativize(wat) + " -> " + target + " (" + wasm.length + " bytes)");
        }
    }
}
