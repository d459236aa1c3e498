/**
 * Writing files safely: {@link com.adclip.files.AtomicFiles} replaces a file through a temporary file and an
 * atomic rename, so a reader never sees half a file, and the result has the mode any other program would give
 * it (the umask for a new file, the old file's mode for a rewrite).
 */
package com.adclip.files;
