package dev.r1.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports, for servers whose config needs a concrete port before they bind. */
final class Ports {

    private Ports() {}

    /**
     * A port that was free a moment ago. Another process could take it before the server binds;
     * on a developer machine that race is rare enough that failing the start is acceptable.
     */
    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(KafkaBroker.HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + KafkaBroker.HOST, e);
        }
    }
}
