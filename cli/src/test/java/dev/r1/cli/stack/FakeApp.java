package dev.r1.cli.stack;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stands in for the standalone app in the CLI's tests: answers /q/health/ready on
 * QUARKUS_HTTP_PORT and writes the environment it was given to R1_DATA/app-env.txt.
 */
public final class FakeApp {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"));
        String env = "KAFKA_BOOTSTRAP_SERVERS=" + System.getenv("KAFKA_BOOTSTRAP_SERVERS") + "\n"
                + "QUARKUS_DATASOURCE_REACTIVE_URL=" + System.getenv("QUARKUS_DATASOURCE_REACTIVE_URL") + "\n"
                + "R1_DATA=" + System.getenv("R1_DATA") + "\n"
                + "R1_HTTP_PORT=" + System.getenv("R1_HTTP_PORT") + "\n";
        Files.writeString(Path.of(System.getenv("R1_DATA")).resolve("app-env.txt"), env, StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
        server.createContext("/q/health/ready", x -> {
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        server.start();
    }
}
