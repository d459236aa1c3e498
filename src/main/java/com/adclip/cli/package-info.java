/** The {@code adclip} command line: picocli commands, exit codes, user-facing error messages. */
package com.adclip.cli;
