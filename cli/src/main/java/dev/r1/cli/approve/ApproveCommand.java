package dev.r1.cli.approve;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1.cli.ExitCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code r1 approve TASK --gate G --reason ... [--reject]}: an operator's decision on a task parked by an escalated gate. */
@Command(name = "approve", mixinStandardHelpOptions = true,
        description = {"Approve (or with --reject, reject) an escalated gate of a parked task.",
                "Approve: once every escalated gate is approved, the task moves on with an override naming you.",
                "Reject: the task ends FAILED. Needs a token with the operator role."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the decision is recorded", "1:refused by the server (not authenticated, not an operator, not parked)",
                "2:bad usage or the server could not be reached"})
public final class ApproveCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK", description = "The task id.")
    String task;

    @Option(names = "--gate", required = true, paramLabel = "G", description = "The escalated gate, e.g. budget or policy.")
    String gate;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why; recorded in the override.")
    String reason;

    @Option(names = "--reject", description = "Reject instead of approve: the task ends FAILED.")
    boolean reject;

    @Option(names = "--api", paramLabel = "URL", defaultValue = "${env:R1_API:-http://127.0.0.1:8080}",
            description = "The planner's (or the all-in-one app's) base URL (default: ${DEFAULT-VALUE}; env R1_API).")
    String api;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:R1_TOKEN}",
            description = "Bearer token with the operator role (env R1_TOKEN).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Read the token from a token file (TOKEN NAME ROLES lines; the first operator line is used), "
                    + "e.g. <data>/auth/tokens.")
    Path tokenFile;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String bearer = token;
        if ((bearer == null || bearer.isBlank()) && tokenFile != null) bearer = fromFile(tokenFile);
        if (bearer == null || bearer.isBlank()) {
            err.println("r1: give --token, R1_TOKEN or --token-file");
            return ExitCode.USAGE;
        }
        String body = JSON.createObjectNode().put("gate", gate).put("decision", reject ? "reject" : "approve").put("reason", reason).toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.replaceAll("/+$", "") + "/v1/tasks/" + task + "/approvals"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r;
        try {
            r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("r1: cannot reach " + api + ": " + e.getMessage());
            return ExitCode.USAGE;
        }
        if (r.statusCode() == 202) {
            PrintWriter out = spec.commandLine().getOut();
            out.println((reject ? "rejected" : "approved") + " gate " + gate + " of " + task);
            out.flush();
            return ExitCode.OK;
        }
        String detail = r.body();
        try {
            detail = JSON.readTree(r.body()).path("detail").asText(r.body());
        } catch (IOException e) {
            // not problem JSON
        }
        err.println("r1: " + r.statusCode() + ": " + detail);
        return ExitCode.INVALID;
    }

    static String fromFile(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] p = line.strip().split("\\s+");
            if (p.length >= 3 && !p[0].startsWith("#") && java.util.List.of(p[2].split(",")).contains("operator")) return p[0];
        }
        return null;
    }
}
