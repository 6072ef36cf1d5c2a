package dev.r1.embedded;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Where to reach one database of a {@link PostgresServer}. The server trusts every local
 * connection, so there is no password.
 */
public record PostgresDatabase(String host, int port, String name, String user) {

    /** {@code jdbc:postgresql://127.0.0.1:port/name}; pass {@link #user()} alongside it. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, "");
    }
}
