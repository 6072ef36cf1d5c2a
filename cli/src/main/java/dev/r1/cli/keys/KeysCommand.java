package dev.r1.cli.keys;

import picocli.CommandLine.Command;

@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage Ed25519 signing keys.",
        subcommands = GenerateCommand.class)
public final class KeysCommand {}
