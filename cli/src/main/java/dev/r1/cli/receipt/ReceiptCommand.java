package dev.r1.cli.receipt;

import picocli.CommandLine.Command;

@Command(name = "receipt", mixinStandardHelpOptions = true, description = "Seal, verify and show STOKE receipts offline.",
        subcommands = {VerifyCommand.class, SealCommand.class, ShowCommand.class})
public final class ReceiptCommand {}
