/**
 * The {@code adclip} command line: picocli commands, exit codes, user-facing error messages. Commands parse
 * options, call the library and print; the work itself lives in the library packages. Options several commands
 * share are mixins: {@link com.adclip.cli.ModelOptions}, {@link com.adclip.cli.DetectorOptions},
 * {@link com.adclip.cli.TilingOptions}, {@link com.adclip.cli.HyperOptions}, {@link com.adclip.cli.OutputFolder}
 * ({@code --out}, each command with its own default), {@link com.adclip.cli.ThresholdOption} and
 * {@link com.adclip.cli.ImageLimits} ({@code --max-megapixels}, {@code --max-decoded-mb}).
 */
package com.adclip.cli;
