package dev.r1.cli.stack;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Load drivers against a running stack.",
        subcommands = {PipelineBenchCommand.class})
public final class BenchCommand {}
