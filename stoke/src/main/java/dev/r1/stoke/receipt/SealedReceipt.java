package dev.r1.stoke.receipt;

/** A receipt and its file: the JCS bytes of the whole receipt, with no trailing newline. */
public record SealedReceipt(Receipt receipt, byte[] file) {}
