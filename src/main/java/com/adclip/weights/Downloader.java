package com.adclip.weights;

import com.adclip.files.AtomicFiles;
import com.adclip.AdclipException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * Downloads a file over HTTP(S) into place, verified by SHA-256.
 *
 * <p>The bytes go to {@code <target>.part}; an existing {@code .part} is resumed with a {@code Range} request
 * (a server that ignores the range, or answers 416, makes it start over). The SHA-256 is computed while
 * streaming, and only a file whose hash matches is moved, atomically, to the target; a mismatching download is
 * deleted. A target that already exists is re-hashed and kept if it matches. Every failure is an
 * {@link AdclipException} whose one-line message names the URL, the expected SHA-256 and the path where the
 * file can be put by hand.
 */
public final class Downloader {

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    static final int DEFAULT_ATTEMPTS = 3;
    private static final int BUFFER_SIZE = 1 << 16;

    private final HttpClient client;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private final int maxAttempts;

    /** A downloader with a 30 s connect timeout, a 60 s stall timeout and up to 3 attempts per download. */
    public Downloader() {
        this(DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_ATTEMPTS);
    }

    /**
     * @param connectTimeout how long to wait for a connection
     * @param idleTimeout how long to wait for response headers, and for the next bytes of the body
     * @param maxAttempts attempts per download; an attempt that received bytes and then failed is resumed by
     *     the next one, an attempt that received nothing ends the download
     */
    Downloader(Duration connectTimeout, Duration idleTimeout, int maxAttempts) {
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .version(HttpClient.Version.HTTP_1_1)
                .proxy(ProxySelector.getDefault())
                .build();
    }

    /**
     * Makes sure {@code download.target()} exists with the expected SHA-256, downloading it if needed.
     *
     * @return the verified target path
     * @throws AdclipException if the file cannot be downloaded or verified
     */
    public Path fetch(Download download, DownloadListener listener) {
        Objects.requireNonNull(listener, "listener");
        Path target = download.target();
        if (Files.exists(target)) {
            if (reuseExisting(download, listener)) {
                return target;
            }
        }
        createParent(target);
        String actual = hex(transferWithRetries(download, listener));
        if (!actual.equals(download.sha256())) {
            AtomicFiles.deleteQuietly(download.partFile());
            throw new AdclipException(String.format(Locale.ROOT,
                    "downloaded %s from %s but its sha256 is %s, expected %s; the file was deleted. Check the "
                            + "source or mirror, or download it elsewhere, check its sha256, and put it at %s",
                    download.name(), download.url(), actual, download.sha256(), target));
        }
        try {
            Files.move(download.partFile(), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new AdclipException("cannot move " + download.partFile() + " to " + target + ": " + e, e);
        }
        return target;
    }

    private boolean reuseExisting(Download download, DownloadListener listener) {
        Path target = download.target();
        if (!Files.isRegularFile(target)) {
            throw new AdclipException(target + " exists and is not a regular file; move it away and try again");
        }
        MessageDigest digest = newDigest();
        hashInto(digest, target);
        String actual = hex(digest.digest());
        if (actual.equals(download.sha256())) {
            listener.alreadyCached(target);
            return true;
        }
        listener.cachedFileCorrupt(target, download.sha256(), actual);
        try {
            Files.delete(target);
        } catch (IOException e) {
            throw new AdclipException("cannot delete " + target + " (its sha256 is " + actual + ", expected "
                    + download.sha256() + "): " + e, e);
        }
        return false;
    }

    private byte[] transferWithRetries(Download download, DownloadListener listener) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transfer(download, listener);
            } catch (TransferException e) {
                if (e.received == 0 || attempt >= maxAttempts) {
                    throw failure(download, e.reason, e.received > 0 || Files.exists(download.partFile()), e);
                }
                listener.retrying(attempt + 1, maxAttempts, e.reason);
            }
        }
    }

    /** One attempt: resume or start the {@code .part} file and return the SHA-256 of the whole file. */
    private byte[] transfer(Download download, DownloadListener listener) throws TransferException {
        Path part = download.partFile();
        MessageDigest digest = newDigest();
        long have = Files.isRegularFile(part) ? hashInto(digest, part) : 0;
        if (have > 0 && hex(copyOf(digest).digest()).equals(download.sha256())) {
            return digest.digest(); // an earlier attempt got every byte but did not get to move the file
        }
        HttpResponse<InputStream> response = send(download, have);
        int status = response.statusCode();
        if (have > 0 && status != 200 && !resumes(response, have)) {
            // 416 or an unexpected Content-Range: the part is useless, start over
            closeQuietly(response.body());
            AtomicFiles.deleteQuietly(part);
            digest.reset();
            have = 0;
            response = send(download, 0);
            status = response.statusCode();
        } else if (status == 200) {
            digest.reset(); // the server ignored the range and sends the whole file
            have = 0;
        }
        if (status != 200 && status != 206) {
            closeQuietly(response.body());
            throw new TransferException(describeStatus(status), 0);
        }
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        long total = length < 0 ? -1 : have + length;
        copy(download, response.body(), have, total, digest, listener);
        return digest.digest();
    }

    private HttpResponse<InputStream> send(Download download, long from) throws TransferException {
        HttpRequest.Builder request = HttpRequest.newBuilder(download.url())
                .timeout(idleTimeout)
                .header("User-Agent", "adclip")
                .GET();
        if (from > 0) {
            request.header("Range", "bytes=" + from + "-");
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new TransferException(describe(e, download), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdclipException("download of " + download.name() + " was interrupted", e);
        }
    }

    private static boolean resumes(HttpResponse<?> response, long from) {
        return response.statusCode() == 206
                && response.headers().firstValue("Content-Range")
                        .map(range -> range.strip().startsWith("bytes " + from + "-"))
                        .orElse(false);
    }

    private void copy(Download download, InputStream body, long have, long total, MessageDigest digest,
            DownloadListener listener) throws TransferException {
        OpenOption[] options = have > 0
                ? new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND}
                : new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING};
        long received = 0;
        listener.started(download, have, total);
        try (InputStream in = body;
                IdleWatchdog watchdog = IdleWatchdog.watch(in, idleTimeout);
                OutputStream out = open(download.partFile(), options)) {
            byte[] buffer = new byte[BUFFER_SIZE];
            int n;
            while ((n = read(in, buffer, watchdog, have + received, total)) != -1) {
                watchdog.touch();
                write(out, buffer, n, download.partFile());
                digest.update(buffer, 0, n);
                received += n;
                listener.progressed(have + received);
            }
        } catch (IOException e) {
            // only closing can land here: flushing the last bytes to disk failed
            throw new AdclipException("cannot write " + download.partFile() + ": " + e, e);
        } catch (ReadFailure e) {
            throw new TransferException(e.getMessage(), received);
        } finally {
            listener.stopped();
        }
        if (total >= 0 && have + received < total) {
            throw new TransferException("connection closed after " + Sizes.human(have + received) + " of "
                    + Sizes.human(total), received);
        }
    }

    private int read(InputStream in, byte[] buffer, IdleWatchdog watchdog, long have, long total) {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            String why = watchdog.fired()
                    ? "no data for " + seconds(idleTimeout)
                    : e.getMessage() == null ? e.getClass().getSimpleName()
                    : "closed".equals(e.getMessage()) ? "the server closed the connection" : e.getMessage();
            throw new ReadFailure("connection lost after " + Sizes.human(have)
                    + (total >= 0 ? " of " + Sizes.human(total) : "") + " (" + why + ")");
        }
    }

    private static OutputStream open(Path part, OpenOption[] options) {
        try {
            return Files.newOutputStream(part, options);
        } catch (IOException e) {
            throw new AdclipException("cannot write " + part + ": " + e, e);
        }
    }

    private static void write(OutputStream out, byte[] buffer, int n, Path part) {
        try {
            out.write(buffer, 0, n);
        } catch (IOException e) {
            throw new AdclipException("cannot write " + part + " (is the disk full?): " + e, e);
        }
    }

    private String describe(IOException e, Download download) {
        if (e instanceof HttpConnectTimeoutException) {
            return "connection timed out after " + seconds(connectTimeout);
        }
        if (e instanceof HttpTimeoutException) {
            return "no response within " + seconds(idleTimeout);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "cannot resolve host " + download.url().getHost();
            }
            if (t instanceof SSLException) {
                return "TLS error: " + t.getMessage();
            }
        }
        if (e instanceof ConnectException) {
            return e.getMessage() == null || e.getMessage().isBlank() ? "connection refused"
                    : e.getMessage().toLowerCase(Locale.ROOT);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() < 1000 ? duration.toMillis() + " ms" : duration.toSeconds() + " s";
    }

    private static String describeStatus(int status) {
        String meaning;
        if (status == 401 || status == 403) {
            meaning = " (access denied)";
        } else if (status == 404) {
            meaning = " (not found)";
        } else if (status >= 500) {
            meaning = " (server error)";
        } else {
            meaning = "";
        }
        return "HTTP " + status + meaning;
    }

    private static AdclipException failure(Download download, String reason, boolean partKept, Throwable cause) {
        String resume = partKept
                ? "; run the command again to resume (" + download.partFile() + " is kept), or download it"
                : ". Download it";
        return new AdclipException(String.format(Locale.ROOT,
                "cannot download %s from %s: %s%s elsewhere, check sha256 %s, and put it at %s",
                download.name(), download.url(), reason, resume, download.sha256(), download.target()), cause);
    }

    private static void createParent(Path target) {
        Path dir = target.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new AdclipException("cannot create the model cache directory " + dir + ": " + e
                    + "; choose another with --cache DIR or ADCLIP_CACHE", e);
        }
    }

    /** Feeds the whole file into {@code digest} and returns its length. */
    private static long hashInto(MessageDigest digest, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER_SIZE];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) != -1) {
                digest.update(buffer, 0, n);
                total += n;
            }
            return total;
        } catch (IOException e) {
            throw new AdclipException("cannot read " + file + ": " + e, e);
        }
    }

    private static MessageDigest newDigest() {
        return com.adclip.Sha256.newDigest();
    }

    private static MessageDigest copyOf(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests are cloneable", e);
        }
    }

    static String hex(byte[] bytes) {
        return com.adclip.Sha256.hex(bytes);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the response is abandoned anyway
        }
    }

    /** An attempt failed; {@code received} bytes of it reached the disk. */
    private static final class TransferException extends Exception {
        private static final long serialVersionUID = 1L;
        final String reason;
        final long received;

        TransferException(String reason, long received) {
            super(reason, null, false, false);
            this.reason = reason;
            this.received = received;
        }
    }

    /** Reading the body failed (carried out of the try-with-resources as an unchecked exception). */
    private static final class ReadFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReadFailure(String message) {
            super(message, null, false, false);
        }
    }
}
