package com.adclip.fleet;

import com.adclip.serve.History;
import com.adclip.serve.HistoryRetention;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A history in memory with the shared store's rule: one entry per request id. */
final class MemoryHistory implements History {
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Entry> byRequest = new HashMap<>();
    int adds;

    @Override
    public synchronized Entry add(Entry e) {
        adds++;
        Entry existing = e.requestId() == null ? null : byRequest.get(e.requestId());
        if (existing != null) {
            return existing;
        }
        Entry stored = e.withId(entries.size() + 1);
        entries.add(stored);
        if (e.requestId() != null) {
            byRequest.put(e.requestId(), stored);
        }
        return stored;
    }

    @Override
    public synchronized List<Entry> recent(int limit) {
        return entries.stream().sorted(Comparator.comparing(Entry::time).thenComparing(Entry::id).reversed())
                .limit(limit).toList();
    }

    @Override
    public synchronized Counts counts(Instant since) {
        long ok = entries.stream().filter(e -> !e.time().isBefore(since) && e.verdict().equals("OK")).count();
        long ng = entries.stream().filter(e -> !e.time().isBefore(since) && e.verdict().equals("NG")).count();
        return new Counts(since, ok, ng);
    }

    @Override
    public synchronized Optional<Entry> findByRequestId(String requestId) {
        return Optional.ofNullable(byRequest.get(requestId));
    }

    /** Workers never prune; the stations that share a history do. */
    @Override
    public long prune(HistoryRetention keep, Instant now) {
        throw new UnsupportedOperationException("a worker does not prune the history");
    }

    @Override
    public synchronized long size() {
        return entries.size();
    }

    synchronized List<Entry> all() {
        return List.copyOf(entries);
    }

    @Override
    public void close() {}
}
