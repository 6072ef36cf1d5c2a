package dev.r1.stoke.receipt;

import dev.r1.stoke.StokeViolation;

/**
 * The outcome of verifying one receipt: valid when {@code violation} is null. {@code receipt}
 * is present whenever the file could be read as a receipt, valid or not, so that it can be shown.
 */
public record Verification(Receipt receipt, StokeViolation violation) {
    public boolean valid() {
        return violation == null;
    }
}
