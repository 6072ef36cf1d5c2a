/**
 * Git as the phase services use it: the {@code git} command line as a subprocess (never a Java
 * reimplementation), a per-service cache of bare clones under {@code <data>/work/<service>/repos},
 * detached worktrees per task under {@code <data>/work/<service>/worktrees}, commits made as
 * {@code R1 <r1@localhost>} with dates from the task clock in deterministic mode, and
 * {@link dev.r1.pipeline.git.Subprocess} for running commands with a timeout and capped output.
 */
package dev.r1.pipeline.git;
