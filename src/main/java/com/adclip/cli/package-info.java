/** The {@code adclip} command line: picocli commands, exit codes, user-facing error messages.
 * {@code test} and {@code calibrate} share one pass over a dataset split (scores and streamed pixel metrics). */
package com.adclip.cli;
